"""WeChat Official Account (公众号) input channel: ``mot.channels.wechat.WeChatInput`` in credentials.yml.

WeChat calls ``/webhooks/wechat/webhook``: GET to verify the server, POST with every message and
event as XML, in plaintext mode or 安全模式 (AES, ``msg_signature``). This module is the thin Sanic
layer; the rules live in ``wechat_messages`` (mapping, choices, splitting), the shared state in
``wechat_store`` (dedup, 48-hour window, choices, token) and the API in ``wechat_api``.

A turn's answer goes back as the passive reply when Rasa has it within ``reply_deadline_seconds``
(WeChat waits 5 s). Otherwise the channel answers ``success`` at once and sends the answer later as
customer-service messages. WeChat's retries of one message are processed once, across instances.
``get_output_channel`` sends through the API, so an agent's reply can be pushed with
``POST /conversations/{openid}/tracker/events?output_channel=wechat&execute_side_effects=true``;
outside WeChat's 48-hour window that push is refused with the reason.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Set, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from mot.channels import wechat_messages as wm
from mot.channels.wechat_api import WeChatApi, WeChatApiError
from mot.channels.wechat_store import ANSWERED, DEFERRED, PROCESSING, WeChatStore
from mot.privacy import mask_text
from mot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

PLAINTEXT, SAFE = "plaintext", "safe"
# What WeChat expects when there is no passive reply: it shows nothing and does not retry.
SUCCESS = "success"
TURN_FAILED = "抱歉，系统刚才开了个小差，没能处理您的消息。麻烦您稍后再发一次，急事可拨打 96688。"


class WeChatReplyWindowClosed(Exception):
    """A customer-service message outside WeChat's 48-hour window: WeChat would refuse it."""


@dataclass(frozen=True)
class WeChatConfig:
    """The channel's non-secret options (credentials.yml); the secrets are in ``Settings``."""

    mode: Text = SAFE
    reply_deadline_seconds: float = 4.0
    # custom menu: CLICK EventKey → intent payload
    menu: Mapping[Text, Text] = field(default_factory=dict)
    max_body_bytes: int = 64 * 1024
    max_clock_skew_seconds: int = 300

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[Text, Any]]) -> "WeChatConfig":
        options = dict(credentials or {})
        mode = str(options.get("mode", SAFE)).lower()
        if mode not in (PLAINTEXT, SAFE):
            raise ValueError(f"wechat mode must be '{PLAINTEXT}' or '{SAFE}', not {mode!r}")
        return cls(
            mode=mode,
            reply_deadline_seconds=float(options.get("reply_deadline_seconds", 4.0)),
            menu={str(k): str(v) for k, v in (options.get("menu") or {}).items()},
            max_body_bytes=int(options.get("max_body_bytes", 64 * 1024)),
            max_clock_skew_seconds=int(options.get("max_clock_skew_seconds", 300)),
        )


class Refused(Exception):
    """A request the channel will not process: HTTP ``status`` and a reason for the log (no payload)."""

    def __init__(self, status: int, reason: Text) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class WeChatOutput(OutputChannel):
    """Sends bot messages to a follower as customer-service messages (客服消息) through the API."""

    def __init__(self, api: Optional[WeChatApi], store: WeChatStore) -> None:
        self.api = api
        self.store = store

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Render the whole message (text, buttons as numbered choices, links) and send it.

        Raises ``WeChatReplyWindowClosed`` outside the 48-hour window and ``WeChatApiError`` when
        WeChat refuses; Rasa then answers the push request with an error and keeps nothing.
        """
        window = await asyncio.to_thread(self.store.reply_window, recipient_id)
        if not window:
            logger.warning("wechat.push.refused openid=%s reason=window_closed", recipient_id)
            raise WeChatReplyWindowClosed(f"WeChat reply window closed for {recipient_id}: {window.reason}")
        rendered = wm.render([message])
        await deliver(self.api, self.store, recipient_id, rendered.texts, rendered.choices)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})


async def deliver(
    api: Optional[WeChatApi],
    store: WeChatStore,
    openid: Text,
    texts: List[Text],
    choices: Optional[List[Dict[Text, Text]]],
) -> None:
    """Send ``texts`` as customer-service messages, in order, and remember the choices they offer."""
    await asyncio.to_thread(store.set_choices, openid, choices)
    if not texts:
        return
    if api is None:
        raise WeChatApiError("WeChat API not configured: set XSD_WECHAT_APP_ID and XSD_WECHAT_APP_SECRET")
    for text in texts:
        await asyncio.to_thread(api.send_text, openid, text)


class WeChatInput(InputChannel):
    """The 公众号 webhook: verification, plaintext and safe-mode messages, passive or deferred replies."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InputChannel":
        return cls(WeChatConfig.from_credentials(credentials))

    def __init__(self, config: Optional[WeChatConfig] = None, settings: Optional[Settings] = None) -> None:
        self.config = config or WeChatConfig()
        self.settings = settings or get_settings()
        self.store = WeChatStore(self.settings.database_url)
        s = self.settings
        self.api: Optional[WeChatApi] = (
            WeChatApi(s.wechat_api_base_url, s.wechat_app_id, s.wechat_app_secret, self.store,
                      timeout=s.wechat_api_timeout_seconds)
            if s.wechat_app_id and s.wechat_app_secret else None
        )
        self.crypto: Optional[WeChatCrypto] = None
        if self.config.mode == SAFE and s.wechat_token and s.wechat_encoding_aes_key and s.wechat_app_id:
            self.crypto = WeChatCrypto(s.wechat_token, s.wechat_encoding_aes_key, s.wechat_app_id)
        self._background: Set[asyncio.Task] = set()

    def missing_configuration(self) -> Optional[Text]:
        """What must still be set before the channel can serve WeChat, or None."""
        s = self.settings
        if not s.wechat_token:
            return "WeChat channel not configured: set XSD_WECHAT_TOKEN (the token entered in the 公众号 console)"
        if self.config.mode == SAFE and not self.crypto:
            return ("WeChat safe mode needs XSD_WECHAT_ENCODING_AES_KEY and XSD_WECHAT_APP_ID "
                    "(or set mode: plaintext in credentials.yml)")
        return None

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WeChatOutput(self.api, self.store)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if not self.missing_configuration() else "not configured"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """WeChat's server verification: echo ``echostr`` when the signature is the token's."""
            missing = self.missing_configuration()
            if missing:
                return response.text(missing, status=503)
            try:
                self._check_timestamp(request)
                check_signature(self.settings.wechat_token, request.args.get("signature", ""),
                                request.args.get("timestamp", ""), request.args.get("nonce", ""))
            except (Refused, InvalidSignatureException) as error:
                return self._refuse(request, error if isinstance(error, Refused) else Refused(403, "bad signature"))
            return response.text(request.args.get("echostr", ""))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            started = time.monotonic()
            missing = self.missing_configuration()
            if missing:
                return response.text(missing, status=503)
            try:
                message = self._authentic_message(request)
            except Refused as refused:
                return self._refuse(request, refused)
            try:
                reply = await self._handle(message, on_new_message, started)
            except Exception:  # never let one message take the webhook down
                logger.exception("wechat.message.failed openid=%s", getattr(message, "source", "?"))
                reply = None
            return self._reply(request, message, reply)

        return webhook

    # --- request checks ------------------------------------------------------------------------------

    def _check_timestamp(self, request: Request) -> None:
        try:
            timestamp = int(request.args.get("timestamp", ""))
        except ValueError:
            raise Refused(403, "missing timestamp")
        if abs(time.time() - timestamp) > self.config.max_clock_skew_seconds:
            raise Refused(403, "stale timestamp")

    def _authentic_message(self, request: Request) -> Any:
        """The parsed message of a POST, or ``Refused`` (403 forged/stale, 400 malformed, 413 too big)."""
        if len(request.body or b"") > self.config.max_body_bytes:
            raise Refused(413, "body too large")
        self._check_timestamp(request)
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        if self.config.mode == SAFE:
            signature = args.get("msg_signature")
            if not signature:
                raise Refused(403, "missing msg_signature")
            try:
                xml = self.crypto.decrypt_message(request.body, signature, timestamp, nonce)
            except InvalidSignatureException:
                raise Refused(403, "bad msg_signature")
            except Exception as error:  # not XML, no Encrypt, not our AES key or AppID
                raise Refused(400, f"cannot decrypt ({type(error).__name__})")
        else:
            try:
                check_signature(self.settings.wechat_token, args.get("signature", ""), timestamp, nonce)
            except InvalidSignatureException:
                raise Refused(403, "bad signature")
            xml = request.body
        try:
            message = parse_message(xml)
        except Exception as error:
            raise Refused(400, f"malformed XML ({type(error).__name__})")
        if message is None or not message.source or not message.type:
            raise Refused(400, "not a WeChat message")
        return message

    def _refuse(self, request: Request, refused: Refused) -> HTTPResponse:
        logger.warning("wechat.request.refused status=%s reason=%s ip=%s bytes=%s",
                       refused.status, refused.reason, request.ip, len(request.body or b""))
        return response.text(refused.reason, status=refused.status)

    # --- one message ---------------------------------------------------------------------------------

    async def _handle(self, message: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      started: float) -> Optional[Text]:
        """Process one authentic message exactly once; the passive reply's text, or None for ``success``."""
        openid = message.source
        key = wm.dedup_key(message)
        inbound = wm.to_rasa(message, self.config.menu)
        existing = await asyncio.to_thread(self.store.claim, key, openid)
        if existing is not None:
            logger.info("wechat.message.retry openid=%s key=%s status=%s", openid, key, existing.status)
            return await self._answer_retry(key, existing.status, existing.reply, started)
        if inbound.customer_action:
            await asyncio.to_thread(self.store.record_inbound, openid)
        if inbound.text is None:
            await asyncio.to_thread(self.store.finish, key, ANSWERED, inbound.reply)
            return inbound.reply
        text = inbound.text
        if wm.message_type(message) in ("text", "voice"):
            choices = await asyncio.to_thread(self.store.choices, openid)
            text = wm.choice_payload(text, choices) or text
        logger.debug("wechat.message openid=%s type=%s text=%s", openid, wm.message_type(message), mask_text(text))
        return await self._run_turn(key, openid, text, message, on_new_message, started)

    async def _answer_retry(self, key: Text, status: Text, reply: Optional[Text], started: float) -> Optional[Text]:
        """A retry: the first request's passive reply again, waiting for it up to the deadline."""
        while status == PROCESSING and time.monotonic() - started < self.config.reply_deadline_seconds:
            await asyncio.sleep(0.1)
            state = await asyncio.to_thread(self.store.state, key)
            status, reply = (state.status, state.reply) if state else (DEFERRED, None)
        return reply if status == ANSWERED else None

    async def _run_turn(self, key: Text, openid: Text, text: Text, message: Any,
                        on_new_message: Callable[[UserMessage], Awaitable[Any]], started: float) -> Optional[Text]:
        collector = CollectingOutputChannel()
        metadata = {"wechat": {"msg_type": wm.message_type(message), "msg_id": str(getattr(message, "id", "") or ""),
                               "event": getattr(message, "event", None)}}
        user_message = UserMessage(text, collector, openid, input_channel=self.name(), metadata=metadata)
        turn = asyncio.ensure_future(self._process(on_new_message, user_message))
        remaining = max(0.0, self.config.reply_deadline_seconds - (time.monotonic() - started))
        try:
            done, _ = await asyncio.wait({turn}, timeout=remaining)
        except asyncio.CancelledError:  # WeChat hung up: the answer still reaches the customer, via the API
            self._in_background(self._defer(key, turn, collector, openid), openid)
            raise
        if turn in done:
            rendered = wm.render(collector.messages) if turn.result() else wm.Rendered([TURN_FAILED])
            passive, rest = wm.pack_passive(rendered.texts)
            await asyncio.to_thread(self.store.finish, key, ANSWERED, passive)
            await asyncio.to_thread(self.store.set_choices, openid, rendered.choices)
            if rest:
                self._in_background(deliver(self.api, self.store, openid, rest, rendered.choices), openid)
            return passive
        # too slow for a passive reply: say ``success`` now, send the answer when it is ready
        logger.info("wechat.reply.deferred openid=%s after=%.2fs", openid, time.monotonic() - started)
        self._in_background(self._defer(key, turn, collector, openid), openid)
        return None

    @staticmethod
    async def _process(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> bool:
        """Run the turn in Rasa; False if it failed (logged), so the customer gets an apology."""
        try:
            await on_new_message(message)
            return True
        except Exception:
            logger.exception("wechat.turn.failed openid=%s", message.sender_id)
            return False

    async def _defer(self, key: Text, turn: "asyncio.Future[bool]", collector: CollectingOutputChannel,
                     openid: Text) -> None:
        """Mark the message deferred (a retry now gets ``success``), then send the answer when ready."""
        await asyncio.to_thread(self.store.finish, key, DEFERRED, None)
        ok = await turn
        rendered = wm.render(collector.messages) if ok else wm.Rendered([TURN_FAILED])
        await deliver(self.api, self.store, openid, rendered.texts, rendered.choices)

    def _in_background(self, job: Awaitable[None], openid: Text) -> None:
        async def run() -> None:
            try:
                await job
            except Exception as error:
                logger.error("wechat.send.failed openid=%s error=%s", openid, mask_text(str(error)))

        task = asyncio.ensure_future(run())
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    # --- the HTTP answer -------------------------------------------------------------------------------

    def _reply(self, request: Request, message: Any, text: Optional[Text]) -> HTTPResponse:
        """The passive reply as XML (encrypted in safe mode), or ``success``."""
        if not text:
            return response.text(SUCCESS)
        # the reply goes into a CDATA section: split any "]]>" in the text across two sections
        xml = TextReply(content=text.replace("]]>", "]]]]><![CDATA[>"), message=message).render()
        if self.config.mode == SAFE:
            xml = self.crypto.encrypt_message(xml, request.args.get("nonce", ""), request.args.get("timestamp"))
        return response.text(xml, content_type="application/xml")
