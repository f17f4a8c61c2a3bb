"""Locust users for ``benchmarks/load.py`` (not meant to be run on its own).

``load.py`` prepares the database, starts gunicorn and writes a plan (JSON) whose path
is in ``PORTAL_LOAD_PLAN``: the demo logins by role, the URL templates by group
(``load.URLS``) and the values for their placeholders. Every user signs in once through
the login page (a session cookie, as a browser would), then requests URLs drawn at random
from every group, with a short think time. A response other than 200 is a failure
(redirects are not followed, so a lost session shows as a failure, not as the login page).

Measuring starts once every user has signed in (a sign-in hashes the password on purpose,
so 50 of them take the server's CPU for a while) and the server has had ``warmup``
seconds more (each gunicorn worker loads the URL configuration on its first requests);
it lasts ``duration`` seconds, then the users stop. Failures count during the whole run.
Each response time measured is written to the samples file named in the plan when the test
stops, so that ``load.py`` computes exact percentiles per URL group.
"""

import json
import os
import random
import time
from collections import defaultdict
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["PORTAL_LOAD_PLAN"]).read_text())
SAMPLES: dict[str, list[float]] = defaultdict(list)
FAILURES: dict[str, int] = defaultdict(int)
EXAMPLES: dict[str, list[str]] = defaultdict(list)
# (group, template) pairs, every URL equally likely.
REQUESTS = [
    (group, template) for group, templates in PLAN["urls"].items() for template in templates
]


WINDOW = {"measuring": False, "start": None, "end": None}
SIGNED_IN = []


@events.request.add_listener
def _record(name, response_time, exception, **kwargs):
    if WINDOW["measuring"]:
        SAMPLES[name].append(response_time)
    if exception is not None:
        FAILURES[name] += 1
        if len(EXAMPLES[name]) < 5:
            EXAMPLES[name].append(str(exception)[:300])


@events.test_start.add_listener
def _schedule(environment, **kwargs):
    def measure():
        while len(SIGNED_IN) < PLAN["users"]:
            gevent.sleep(0.2)
        gevent.sleep(PLAN["warmup"])
        WINDOW.update(measuring=True, start=time.monotonic())
        gevent.sleep(PLAN["duration"])
        WINDOW.update(measuring=False, end=time.monotonic())
        # Users finish the request they are in and stop; then locust quits.
        for _ in range(600):
            if not environment.runner.user_count:
                break
            gevent.sleep(0.1)
        environment.runner.quit()

    gevent.spawn(measure)


@events.test_stop.add_listener
def _write_samples(**kwargs):
    if WINDOW["measuring"]:  # stopped early (the run-time cap)
        WINDOW.update(measuring=False, end=time.monotonic())
    seconds = WINDOW["end"] - WINDOW["start"] if WINDOW["start"] else 0
    Path(PLAN["samples"]).write_text(
        json.dumps(
            {
                "samples": SAMPLES,
                "failures": FAILURES,
                "examples": EXAMPLES,
                "seconds": seconds,
                "signed_in": len(SIGNED_IN),
            }
        )
    )


class PortalUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(*PLAN["think_time"])

    def on_start(self):
        username = random.choice(PLAN["logins"][self.role])
        self.dashboard = PLAN["dashboards"][username]
        self.providers = PLAN["followed"][username]  # those whose pages it may open
        self.client.get("/accounts/login/", name="sign-in form")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="sign-in",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"sign-in of {username} failed ({response.status_code})")
            SIGNED_IN.append(username)  # measuring waits for every user, signed in or not

    @task
    def browse(self):
        if WINDOW["end"]:
            raise StopUser
        group, template = random.choice(REQUESTS)
        values = {key: random.choice(choices) for key, choices in PLAN["values"].items()}
        values["dashboard"] = self.dashboard
        values["provider"] = random.choice(self.providers)
        with self.client.get(
            template.format(**values),
            name=f"{group} {template}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.error or ''}".strip())


class ManagementUser(PortalUser):
    role = "management"
    weight = 2


class ProviderUser(PortalUser):
    role = "provider"
    weight = 2


class ClientUser(PortalUser):
    role = "client"
    weight = 1
