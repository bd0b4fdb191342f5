"""The site benchmark's load generator: locust, headless, in its own process.

``python -m benchmarks.site_load < spec.json`` runs ``users`` concurrent locust users (no
think time: each sends its next request as soon as the last one is answered) against
``base_url`` for ``warmup`` + ``seconds`` seconds, and prints one JSON line: every response
time (ms) recorded after the warm-up, the failures, and the measured seconds. Locust patches
the standard library for gevent when imported, which is why it runs in a process of its own
and why nothing else imports this module.

Each user behaves like a browser: it first GETs the site's home page (keeping its cookies),
then sends the spec's requests round robin, starting at its own offset (``distinct``: user k
sends requests k, k + users, k + 2 users, ... so no request repeats until the list runs out). A callback request
is a POST to ``/_dash-update-component?endId=...`` with the JSON body Dash's renderer sends,
the ``endId`` from the page's Dash config and, when the app set a ``_csrf_token`` cookie, its
value as the ``X-CSRFToken`` header (as the renderer does). A request fails unless the answer
is 200 (and, when the spec names one, contains the expected text).
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import time
from typing import Any

CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
CALLBACK_PATH = "/_dash-update-component"
END_ID = re.compile(r'"end_id"\s*:\s*"([^"]+)"')


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one load; see the module docstring for ``spec``'s keys."""
    # locust patches the standard library for gevent on import: time.sleep then yields
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    requests: list[dict[str, Any]] = spec["requests"]
    # distinct: user k sends requests k, k + users, k + 2 users, ...: no two the same
    step = int(spec["users"]) if spec.get("distinct") else 1
    recording = {"on": False}
    times: list[float] = []
    failures: dict[str, int] = {}
    serial = itertools.count()

    class SiteUser(FastHttpUser):
        host = spec["base_url"]
        wait_time = constant(0)

        def on_start(self) -> None:
            self.end_id = ""
            self.turn = next(serial)
            with self.client.get("/", name="start", catch_response=True) as answer:
                found = END_ID.search(answer.text or "")
                if found:
                    self.end_id = found.group(1)

        def csrf(self) -> dict[str, str]:
            for cookie in self.client.cookiejar:
                if cookie.name == CSRF_COOKIE and cookie.value:
                    return {CSRF_HEADER: cookie.value}
            return {}

        @task
        def next_request(self) -> None:
            item = requests[self.turn % len(requests)]
            self.turn += step
            if item.get("body") is not None:
                path = CALLBACK_PATH + (f"?endId={self.end_id}" if self.end_id else "")
                answer = self.client.post(
                    path,
                    data=json.dumps(item["body"]),
                    headers={"Content-Type": "application/json", **self.csrf()},
                    name=item["name"],
                    catch_response=True,
                )
            else:
                answer = self.client.get(item["path"], name=item["name"], catch_response=True)
            with answer as response:
                expect = item.get("expect")
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                elif expect and expect not in (response.text or ""):
                    response.failure(f"{expect!r} missing from the answer")
                else:
                    response.success()

    env = Environment(user_classes=[SiteUser])

    def record(
        request_type: str, name: str, response_time: float, exception: Any = None, **_: Any
    ) -> None:
        if not recording["on"] or name == "start":
            return
        if exception is not None:
            key = str(exception)[:120]
            failures[key] = failures.get(key, 0) + 1
        else:
            times.append(float(response_time))

    env.events.request.add_listener(record)
    runner = env.create_local_runner()
    users = int(spec["users"])
    runner.start(users, spawn_rate=users)
    time.sleep(float(spec["warmup"]))
    recording["on"] = True
    started = time.perf_counter()
    time.sleep(float(spec["seconds"]))
    recording["on"] = False
    measured = time.perf_counter() - started
    spawned = runner.user_count
    runner.quit()
    return {
        "users": users,
        "seconds": measured,
        "spawned": spawned,
        "times_ms": times,
        "failures": failures,
    }


def main() -> int:
    print(json.dumps(run(json.loads(sys.stdin.read()))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
