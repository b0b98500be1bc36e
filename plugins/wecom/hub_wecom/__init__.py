"""WeCom (企业微信) provider for Integration Hub; the entry point is `.plugin`."""

PROVIDER = "wecom"
