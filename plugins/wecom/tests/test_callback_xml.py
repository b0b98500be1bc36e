"""`hub_wecom.callback_xml`: safe parsing of what anybody posts, and the XML the hub writes."""

from xml.etree import ElementTree as ET

import pytest

from hub_wecom import callback_xml
from hub_wecom.callback_xml import XmlRefused

LIMIT = 64 * 1024


def test_parses_wecom_envelopes_with_cdata() -> None:
    root = callback_xml.parse(
        b"<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[a+b/c=]]></Encrypt>"
        b"<AgentID>218</AgentID><Empty></Empty></xml>",
        limit=LIMIT,
    )
    assert callback_xml.fields(root) == {
        "ToUserName": "ww1", "Encrypt": "a+b/c=", "AgentID": "218", "Empty": "",
    }  # fmt: skip
    assert callback_xml.text_of(root, "Encrypt") == "a+b/c="
    assert callback_xml.text_of(root, "Empty") == ""
    assert callback_xml.text_of(root, "Missing") is None


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaa">]><xml>&a;</xml>',
        b'<!DOCTYPE xml SYSTEM "http://127.0.0.1/evil.dtd"><xml/>',
        b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml>&x;</xml>',
        b"<xml><a></xml>",
        b"not xml",
        b"",
        b"<xml>" + b"<a>" * 17 + b"</a>" * 17 + b"</xml>",
    ],
)
def test_refuses_dtds_entities_malformed_and_deep_documents(document: bytes) -> None:
    with pytest.raises(XmlRefused):
        callback_xml.parse(document, limit=LIMIT)


def test_refuses_documents_over_the_limit() -> None:
    with pytest.raises(XmlRefused, match="larger than 10 bytes"):
        callback_xml.parse(b"<xml>0123456789</xml>", limit=10)


def test_nested_fields_keep_their_xml_and_plain_values() -> None:
    root = callback_xml.parse(
        b"<xml><SelectedItems><SelectedItem><QuestionKey>q</QuestionKey><OptionIds>"
        b"<OptionId>a</OptionId><OptionId>b</OptionId></OptionIds></SelectedItem></SelectedItems>"
        b"<SelectedItems>second is ignored</SelectedItems></xml>",
        limit=LIMIT,
    )
    raw = callback_xml.fields(root)
    assert raw["SelectedItems"].startswith("<SelectedItems><SelectedItem>")
    assert ET.fromstring(raw["SelectedItems"]).find("SelectedItem/QuestionKey").text == "q"
    element = root.find("SelectedItems")
    assert element is not None
    assert callback_xml.plain(element) == {
        "SelectedItem": {"QuestionKey": "q", "OptionIds": {"OptionId": ["a", "b"]}}
    }
    assert callback_xml.as_list("x") == ["x"]
    assert callback_xml.as_list(["x", "y"]) == ["x", "y"]
    assert callback_xml.as_list(None) == [] == callback_xml.as_list("")


def test_cdata_splits_its_terminator() -> None:
    text = "a]]>b <c> & ]]"
    built = callback_xml.document({"Content": text})
    assert built == "<xml><Content><![CDATA[a]]]]><![CDATA[>b <c> & ]]]]></Content></xml>"
    assert ET.fromstring(built).find("Content").text == text


def test_document_shapes() -> None:
    built = callback_xml.document(
        {"N": 1, "S": "s", "M": {"Inner": "i"}, "L": [{"Title": "t1"}, {"Title": "t2"}]}
    )
    assert built == (
        "<xml><N>1</N><S><![CDATA[s]]></S><M><Inner><![CDATA[i]]></Inner></M>"
        "<L><item><Title><![CDATA[t1]]></Title></item><item><Title><![CDATA[t2]]></Title></item>"
        "</L></xml>"
    )
    with pytest.raises(TypeError):
        callback_xml.document({"B": True})
    with pytest.raises(TypeError):
        callback_xml.document({"F": 1.5})
