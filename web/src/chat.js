/* 小水滴's web chat: mounts the rasa-webchat widget (embedded, always open) in #xsd-chat.
 * The page is served by the Rasa server itself (mot.channels.webchat), so the socket is this origin. */
(function () {
  "use strict";
  var avatar = new URL("xiaoshuidi.svg", window.location.href).href;
  window.WebChat.default(
    {
      socketUrl: window.location.origin,
      socketPath: "/socket.io/",
      initPayload: "/greet",
      customData: { language: "zh" },
      embedded: true,
      title: "小水滴",
      subtitle: "清江水务智能客服 · 全天在线",
      inputTextFieldHint: "请输入您的问题，例如：查水费、报修、停水",
      connectingText: "正在连接小水滴…",
      profileAvatar: avatar,
      hideWhenNotConnected: false,
      showCloseButton: false,
      showFullScreenButton: false,
      showMessageDate: function (timestamp) {
        var date = new Date(timestamp);
        return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
      },
      // Keep the conversation (and its session id) across reloads: the socket.io channel has
      // session_persistence on, so replies and pushes go to the session, not to one socket.
      params: { storage: "local" },
      customMessageDelay: function () { return 300; }
    },
    document.getElementById("xsd-chat")
  );
})();
