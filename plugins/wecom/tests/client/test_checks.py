""" "Test connection" of both kinds, through the hub's config store as an administrator runs it."""

from hub.context import HubContext

from ..fake_wecom import CORP_ID, CORP_SECRET, ROBOT_KEY, FakeWeCom, Fault
from ..support import app_config, robot_config


async def test_app_fetches_a_token(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.state) == (True, "ok"), outcome.message
    assert (
        outcome.message == f"access token issued for corp {CORP_ID}, agent 1000002; "
        "valid for 7200 s"
    )
    assert fake.token_hits == 1


async def test_app_with_a_wrong_secret_needs_reauth(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake, corp_secret="wrong-secret-value")
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.state) == (False, "needs_reauth")
    assert outcome.message == "WeCom answered 40001: invalid credential"
    assert (await ctx.configs.get(record.id)).state == "needs_reauth"


async def test_other_refusals_are_errors(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    fake.fail_next("/cgi-bin/gettoken", Fault(48002))
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.state) == (False, "error")
    assert outcome.message == "WeCom answered 48002: injected fault"
    assert CORP_SECRET not in outcome.message


async def test_robot_key_accepted_without_posting(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.message) == (True, "webhook key accepted (Ops group)")
    assert fake.robot_messages == []


async def test_robot_unknown_key_needs_reauth(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    fake.robot_keys.clear()
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.state) == (False, "needs_reauth")
    assert outcome.message == "WeCom answered 93000: invalid webhook url"
    assert ROBOT_KEY not in outcome.message
