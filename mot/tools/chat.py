"""Chat with the running assistant in the terminal over its REST channel.

Buttons are shown numbered; type the number to press one. Ctrl-D or "/quit" leaves.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid
from typing import Dict, List, Optional


def send(url: str, sender: str, message: str) -> List[Dict]:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005/webhooks/rest/webhook")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args(argv)
    print(f"和小水滴聊天（会话 {args.sender}）。输入 /quit 退出。")
    buttons: List[Dict] = []
    while True:
        try:
            text = input("您：").strip()
        except EOFError:
            print()
            return 0
        if text == "/quit":
            return 0
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = []
        for reply in send(args.url, args.sender, text):
            if reply.get("text"):
                print(f"小水滴：{reply['text']}")
            for number, button in enumerate(reply.get("buttons") or [], start=len(buttons) + 1):
                print(f"   {number}. {button['title']}")
            buttons += reply.get("buttons") or []


if __name__ == "__main__":
    sys.exit(main())
