"""Server-side request forgery: the URLs and addresses a webhook may never reach, refused
when the subscription is saved and again at every attempt (after resolving the name, every
address it resolves to), with no connection made."""

import socket
from unittest import mock

import pytest

from webhooks import tasks
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, DeliveryAttempt
from webhooks.safety import UnsafeUrl, check_url, parse_url

from .factories import DeliveryFactory, SubscriptionFactory

PUBLIC = "93.184.215.14"


def resolving_to(*addresses):
    """``socket.getaddrinfo`` answering every name with ``addresses``."""

    def answer(host, port):
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [
            (
                family[":" in a],
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in addresses
        ]

    return mock.patch("webhooks.safety.lookup", side_effect=answer)


@pytest.fixture(autouse=True)
def no_exceptions(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    settings.WEBHOOK_ONLY_NETWORKS = []  # judged as in production; nothing connects here
    settings.WEBHOOK_ALLOW_HTTP = False


@pytest.fixture(autouse=True)
def no_connection():
    with mock.patch(
        "webhooks.sending.socket.create_connection", side_effect=AssertionError("connected")
    ) as connect:
        yield connect


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.1/hook", "private"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://240.0.0.1/hook", "reserved"),
        ("https://192.168.1.10/hook", "private"),
        ("https://100.64.0.1/hook", "not a public"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://2130706433/hook", "loopback|cannot be resolved"),  # 127.0.0.1 as a number
    ],
)
def test_internal_addresses_are_refused(url, reason):
    with pytest.raises(UnsafeUrl, match=reason):
        check_url(url)


def test_a_name_resolving_to_loopback_is_refused():
    with pytest.raises(UnsafeUrl, match="loopback"):
        check_url("https://localhost/hook")
    with resolving_to("127.0.0.1"), pytest.raises(UnsafeUrl, match="loopback"):
        check_url("https://hooks.example.org/hook")


def test_every_address_a_name_resolves_to_must_be_public():
    with resolving_to(PUBLIC, "10.1.2.3"), pytest.raises(UnsafeUrl, match=r"10\.1\.2\.3"):
        check_url("https://hooks.example.org/hook")
    with resolving_to(PUBLIC):
        target, addresses = check_url("https://hooks.example.org:8443/in?x=1")
    assert (target.host, target.port, target.path) == ("hooks.example.org", 8443, "/in?x=1")
    assert [str(a) for a in addresses] == [PUBLIC]


def test_a_name_that_does_not_resolve_is_refused():
    with (
        mock.patch("webhooks.safety.lookup", side_effect=socket.gaierror("no")),
        pytest.raises(UnsafeUrl, match="cannot be resolved"),
    ):
        check_url("https://nowhere.invalid/hook")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.org/hook", "https"),
        ("ftp://hooks.example.org/hook", "https"),
        ("file:///etc/passwd", "https"),
        ("gopher://hooks.example.org/", "https"),
        ("javascript:alert(1)", "https"),
        ("https://user:pass@hooks.example.org/hook", "user name or password"),
        ("https://user@hooks.example.org/hook", "user name or password"),
        ("https:///hook", "no host"),
        ("https://hooks.example.org/hook#frag", "fragment"),
        ("https://hooks.example.org:99999/hook", "cannot be read"),
        ("https://hooks.example.org/a b", "spaces"),
        ("https://hooks.example.org/\x00", "control"),
        ("", "Give the URL"),
        ("https://hooks.example.org/" + "a" * 2000, "longer"),
    ],
)
def test_urls_the_portal_does_not_call(url, reason):
    with resolving_to(PUBLIC), pytest.raises(UnsafeUrl, match=reason):
        parse_url(url)


def test_http_only_where_the_setting_allows_it(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    assert parse_url("http://hooks.example.org/hook").port == 80


def test_an_allowed_network_lets_its_addresses_through(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    with resolving_to("10.0.0.7"):
        check_url("https://hooks.internal.example/hook")
    with pytest.raises(UnsafeUrl, match="loopback"):
        check_url("https://127.0.0.1/hook")


def test_only_networks_limit_deliveries_to_them(settings):
    settings.WEBHOOK_ONLY_NETWORKS = ["127.0.0.0/8"]
    with resolving_to(PUBLIC), pytest.raises(UnsafeUrl, match="outside the networks"):
        check_url("https://hooks.example.org/hook")


@pytest.mark.django_db
def test_an_address_that_turned_internal_is_refused_at_delivery_without_connecting(
    no_connection,
):
    """The name resolved to a public address when the webhook was saved; at delivery it
    resolves to the cloud's metadata address (DNS rebinding): the attempt is refused and
    logged, nothing is connected to, and it is tried again later."""
    delivery = DeliveryFactory(subscription=SubscriptionFactory(url="https://hooks.example.org/"))
    with (
        resolving_to("169.254.169.254"),
        mock.patch.object(tasks.deliver_webhook, "apply_async") as later,
    ):
        tasks.deliver_webhook(delivery.pk, 1)
    no_connection.assert_not_called()
    (attempt,) = DeliveryAttempt.objects.filter(delivery=delivery)
    assert "link-local" in attempt.error and attempt.status_code is None
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING
    later.assert_called_once()


@pytest.mark.django_db
def test_a_refused_attempt_is_logged_and_retried(no_connection):
    delivery = DeliveryFactory(subscription=SubscriptionFactory(url="https://10.0.0.1/hook"))
    with mock.patch.object(tasks.deliver_webhook, "apply_async") as later:
        tasks.deliver_webhook(delivery.pk, 1)
    no_connection.assert_not_called()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "private" in delivery.attempt_log.get().error
    later.assert_called_once()
