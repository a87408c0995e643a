"""What the web widget's output channel sends: text as rasa-webchat must receive it to show it as written."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Tuple

from mot.channels.webchat import WebChatOutput, as_widget_markdown


def test_markdown_characters_are_escaped_and_lines_kept():
    assert as_widget_markdown("户号 31****2345（户名 张*华）") == r"户号 31\*\*\*\*2345（户名 张\*华）"
    assert as_widget_markdown("a_b [链接] `x` ~y~ \\") == r"a\_b \[链接\] \`x\` \~y\~ \\"
    assert as_widget_markdown("第一行\n第二行") == "第一行  \n第二行"
    assert as_widget_markdown("水费 51.75 元。") == "水费 51.75 元。"


class RecordingServer:
    """Records what would be emitted; the socket.io server itself is exercised in tests/integration."""

    def __init__(self) -> None:
        self.emitted: List[Tuple[Any, Dict[str, Any]]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))


def test_paragraphs_become_messages_and_buttons_go_on_the_last():
    server = RecordingServer()
    output = WebChatOutput(server, "bot_uttered", "/chat")
    buttons = [{"title": "5 非常满意", "payload": '/inform{"rating": "5"}'}]
    asyncio.run(output.send_text_with_buttons("s1", "今天帮您查询了账单。\n\n麻烦您*打个分*：", buttons))
    assert [data for _, data, _ in server.emitted] == [
        {"text": "今天帮您查询了账单。"},
        {"text": r"麻烦您\*打个分\*：",
         "quick_replies": [{"content_type": "text", "title": "5 非常满意", "payload": '/inform{"rating": "5"}'}]},
    ]
    assert all(kw == {"room": "s1", "namespace": "/chat"} for _, _, kw in server.emitted)
