"""The yardstick of bench/stack_scale.py: what people do today without Pulumi.

A sequential httpx script that POSTs a trunk and its children one after another and, on a 429,
sleeps ``Retry-After`` and posts again. It is run as its own process, so its wall time is
measured the same way as a `pulumi` command's.

    python bench/naive_create.py BASE_URL ACCOUNT_SID API_KEY API_TOKEN SPEC_JSON_FILE

The spec file holds ``trunk_name``, ``phone_numbers``, ``user_names``, ``ips`` and
``destinations`` (the same lists the Pulumi program gets).
"""

from __future__ import annotations

import json
import secrets
import string
import sys
import time
from pathlib import Path
from typing import Any

import httpx

_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "_"


def main() -> None:
    url, sid, key, token, spec_file = sys.argv[1:6]
    spec = json.loads(Path(spec_file).read_text())
    with httpx.Client(base_url=f"{url}/v2/accounts/{sid}/", auth=(key, token), timeout=30) as http:

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            while True:
                answer = http.post(path, json=body)
                if answer.status_code == 429:
                    time.sleep(float(answer.headers.get("Retry-After", "1")))
                    continue
                data = answer.json()["response"]
                # One object answers with a dict, a batch (destinations) with a list of items.
                items = data if isinstance(data, list) else [data]
                if answer.is_error or any(i.get("status") == "failure" for i in items):
                    raise SystemExit(f"naive POST {path} failed: {answer.text}")
                return items[0]

        trunk = post(
            "trunks",
            {
                "trunk_name": spec["trunk_name"],
                "nso_code": "ANY-ANY",
                "domain_name": f"{sid}.pstn.exotel.com",
            },
        )
        trunk_path = f"trunks/{trunk['data']['trunk_sid']}"
        for number in spec["phone_numbers"]:
            post(f"{trunk_path}/phone-numbers", {"phone_number": number, "mode": "pstn"})
        for user_name in spec["user_names"]:
            password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(32))
            post(f"{trunk_path}/credentials", {"user_name": user_name, "password": password})
        for ip in spec["ips"]:
            post(f"{trunk_path}/whitelisted-ips", {"ip": ip, "mask": 32})
        for destination in spec["destinations"]:
            post(f"{trunk_path}/destination-uris", {"destinations": [{"destination": destination}]})


if __name__ == "__main__":
    main()
