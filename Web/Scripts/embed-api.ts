// PeerTube's embed API on our embed page: a page that frames /videos/embed/{uuid} drives the player with
// @peertube/embed-api (PeerTubePlayer), which speaks Mozilla's jschannel over postMessage. The protocol, written here:
// every message is a JSON string; "<scope>::__ready" is the handshake (params {type: "publish-request", publish: []}
// answered by {type: "publish-reply", publish: []}; older jschannel sends "ping"/"pong"); a call is
// {id, method: "<scope>::<name>", params} answered by {id, result} or {id, error, message}; an event is {method, params}.
import Hls from "hls.js";

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
}

type Handler = (params: unknown) => unknown;

export function embedApi(root: HTMLElement, video: HTMLVideoElement, hls: Hls | null): void {
  if (window.parent === window) return;
  const scope = new URLSearchParams(location.search).get("scope") ?? "peertube";
  const parent = window.parent;
  const post = (message: object) => parent.postMessage(JSON.stringify(message), "*");
  const notify = (method: string, params: unknown) => post({ method: `${scope}::${method}`, params });
  let ready = false;
  let connected = false;

  const resolutions = () => {
    if (!hls) return [];
    const auto = hls.autoLevelEnabled;
    return [
      { id: -1, label: root.dataset.tAuto ?? "Auto", height: 0, active: auto },
      ...hls.levels.map((level, id) => ({ id, label: `${level.height}p`, height: level.height, active: !auto && hls.manualLevel === id })),
    ];
  };
  const captions = () =>
    Array.from(root.querySelectorAll<HTMLTrackElement>("video track")).map((t) => ({
      id: t.srclang,
      label: t.label,
      src: t.src,
      mode: t.track.mode === "showing" ? "showing" : "disabled",
    }));
  const status = () => ({
    position: video.currentTime,
    volume: video.muted ? 0 : video.volume,
    duration: isFinite(video.duration) ? video.duration : 0,
    playbackState: video.ended ? "ended" : video.paused ? "paused" : "playing",
  });
  const select = (selector: string, value: string) => {
    const element = root.querySelector<HTMLSelectElement>(selector);
    if (!element) return;
    element.value = value;
    element.dispatchEvent(new Event("change"));
  };

  const handlers: Record<string, Handler> = {
    isReady: () => ready,
    play: () => video.play().then(() => null),
    pause: () => { video.pause(); return null; },
    seek: (seconds) => { video.currentTime = Number(seconds); return null; },
    getCurrentTime: () => video.currentTime,
    getVolume: () => video.volume,
    setVolume: (value) => { video.volume = Math.max(0, Math.min(1, Number(value))); return null; },
    getResolutions: () => resolutions(),
    setResolution: (id) => {
      if (hls) hls.currentLevel = Number(id);
      const menu = root.querySelector<HTMLSelectElement>("select.quality");
      if (menu) menu.value = String(id);
      notify("resolutionUpdate", resolutions());
      return null;
    },
    getCaptions: () => captions(),
    setCaption: (id) => { select("select.captions", typeof id === "string" ? id : ""); return null; },
    getPlaybackRates: () => [0.5, 0.75, 1, 1.25, 1.5, 2],
    getPlaybackRate: () => video.playbackRate,
    setPlaybackRate: (rate) => { video.playbackRate = Number(rate); return null; },
  };

  window.addEventListener("message", (event: MessageEvent) => {
    if (event.source !== parent || typeof event.data !== "string") return;
    let message: Message;
    try {
      message = JSON.parse(event.data) as Message;
    } catch {
      return;
    }
    const method = message.method ?? "";
    if (!method.startsWith(`${scope}::`)) return;
    const name = method.slice(scope.length + 2);
    if (name === "__ready") {
      const params = message.params as { type?: string } | string | undefined;
      if (params === "ping") notify("__ready", "pong");
      else if (typeof params === "object" && params?.type === "publish-request") notify("__ready", { type: "publish-reply", publish: [] });
      connected = true;
      return;
    }
    if (typeof message.id !== "number") return;
    const id = message.id;
    const handler = handlers[name];
    if (!handler) {
      post({ id, error: "method_not_found", message: `No method ${name}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params))
      .then((result) => post({ id, result: result ?? null }))
      .catch((error: unknown) => post({ id, error: "runtime_error", message: String(error) }));
  });

  // Our half of the handshake: the page's channel may have been built before this frame loaded.
  notify("__ready", { type: "publish-request", publish: [] });
  const markReady = () => {
    if (ready) return;
    ready = true;
    notify("ready", true);
  };
  if (video.readyState >= 1) markReady(); else video.addEventListener("loadedmetadata", markReady, { once: true });
  let last = "";
  const report = () => {
    if (!connected) return;
    const s = status();
    notify("playbackStatusUpdate", s);
    if (s.playbackState !== last) {
      last = s.playbackState;
      notify("playbackStatusChange", s.playbackState);
    }
  };
  window.setInterval(report, 500);
  video.addEventListener("volumechange", () => notify("volumeChange", video.volume));
  hls?.on(Hls.Events.LEVEL_SWITCHED, () => notify("resolutionUpdate", resolutions()));
}
