// The watch and embed pages' player: hls.js, P2P through p2p-media-loader and our tracker, HTTP fallback.
import Hls, { type Level } from "hls.js";
import { HlsJsP2PEngine } from "p2p-media-loader-hlsjs";
import { fileNameOf, isSegmentValid, loadSegmentHashes, type SegmentHashes } from "./segment-hashes";
import { embedApi } from "./embed-api";

interface PlayerData {
  videoId: string;
  uuid: string;
  playlist: string;
  segmentsSha256: string;
  tracker: string;
  iceServers: RTCIceServer[];
  swarmId: string;
  p2p: boolean;
  fallback: string;
  fileToken: string;
  start: number | null;
  chapters: Chapter[];
  live: boolean;
  smallLatency: boolean;
}

interface Chapter {
  timecode: number;
  title: string;
}

interface P2PStats {
  peers: Set<string>;
  fromPeers: number;
  fromServer: number;
  uploaded: number;
  rejected: number;
}

function readData(root: HTMLElement): PlayerData {
  const d = root.dataset;
  return {
    videoId: d.videoId ?? "",
    uuid: d.uuid ?? "",
    playlist: d.playlist ?? "",
    segmentsSha256: d.segmentsSha256 ?? "",
    tracker: d.tracker ?? "",
    iceServers: JSON.parse(d.iceServers ?? "[]") as RTCIceServer[],
    swarmId: d.swarmId ?? "",
    p2p: d.p2p === "true",
    fallback: d.fallback ?? "",
    fileToken: d.fileToken ?? "",
    start: d.start ? Number(d.start) : null,
    chapters: JSON.parse(d.chapters ?? "[]") as Chapter[],
    live: d.live === "true",
    smallLatency: d.smallLatency === "true",
  };
}

const text = (root: HTMLElement, key: string): string => root.dataset[`t${key}`] ?? key;

/** PeerTube's videoFileToken on every media request of a private video (playlists, segments, fallback file). */
function withToken(url: string, token: string): string {
  if (!token) return url;
  const u = new URL(url, location.href);
  u.searchParams.set("videoFileToken", token);
  return u.toString();
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} o`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} Kio`;
  return `${(n / 1024 / 1024).toFixed(1)} Mio`;
}

/** Resume where the viewer stopped (not in the last seconds: then the video starts over). */
function rememberPosition(video: HTMLVideoElement, uuid: string): void {
  const key = `vp-position-${uuid}`;
  const saved = Number(localStorage.getItem(key) ?? "0");
  video.addEventListener("loadedmetadata", () => {
    if (saved > 5 && (!isFinite(video.duration) || saved < video.duration - 5)) {
      video.currentTime = saved;
    }
  }, { once: true });
  let last = 0;
  video.addEventListener("timeupdate", () => {
    if (Math.abs(video.currentTime - last) >= 2) {
      last = video.currentTime;
      localStorage.setItem(key, String(Math.floor(video.currentTime)));
    }
  });
  video.addEventListener("ended", () => localStorage.removeItem(key));
}

/**
 * PeerTube's viewer heartbeats: the position every 10 s while playing, on pause and end, and around a seek (the position
 * left, then the new one with viewEvent "seek"), from which the server keeps watch sections (the lesson's retention) and
 * viewers now. Ours in the body: a random id per player (two tabs behind one school IP are two viewers) and the bytes
 * received from peers, for the dashboard's P2P share. With the session header, a signed-in viewer counts as themself.
 */
/** ViewHeartbeats.SecondsBeforeAView on the server. */
const SECONDS_BEFORE_A_VIEW = 3;

function reportView(video: HTMLVideoElement, videoId: string, stats: P2PStats): void {
  const sessionId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  let started = false;
  let counted = false;
  let lastSent = 0;
  let position = 0;
  const send = (time: number, seek: boolean): void => {
    lastSent = Date.now();
    const body = JSON.stringify({ currentTime: Math.floor(time), viewEvent: seek ? "seek" : undefined, sessionId, p2pBytes: stats.fromPeers });
    void fetch(`/api/v1/videos/${encodeURIComponent(videoId)}/views`, {
      method: "POST", credentials: "same-origin", keepalive: true, headers: { "X-VP-Session": "1", "Content-Type": "application/json" }, body,
    }).catch(() => undefined);
  };
  video.addEventListener("playing", () => {
    if (!started) {
      started = true;
      send(video.currentTime, false);
    }
  });
  video.addEventListener("timeupdate", () => {
    if (video.seeking) return;
    position = video.currentTime;
    // The server counts a view from the first heartbeat at or past SECONDS_BEFORE_A_VIEW: send it as soon as it is due.
    const due = !counted && position >= SECONDS_BEFORE_A_VIEW;
    if (due) counted = true;
    if (started && !video.paused && (due || Date.now() - lastSent >= 10_000)) send(position, false);
  });
  video.addEventListener("seeking", () => {
    if (started) send(position, false);
  });
  video.addEventListener("seeked", () => {
    position = video.currentTime;
    if (started) send(position, true);
  });
  video.addEventListener("pause", () => { if (started) send(video.currentTime, false); });
  video.addEventListener("ended", () => { if (started) send(video.duration || video.currentTime, false); });
}

function keyboardShortcuts(root: HTMLElement, video: HTMLVideoElement): void {
  root.addEventListener("keydown", (e) => {
    const target = e.target as HTMLElement;
    if (target.tagName === "SELECT" || target.tagName === "INPUT" || target.tagName === "BUTTON" || e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case " ":
      case "k":
        if (video.paused) void video.play(); else video.pause();
        break;
      case "ArrowRight":
      case "l":
        video.currentTime = Math.min(video.duration || Infinity, video.currentTime + (e.key === "l" ? 10 : 5));
        break;
      case "ArrowLeft":
      case "j":
        video.currentTime = Math.max(0, video.currentTime - (e.key === "j" ? 10 : 5));
        break;
      case "ArrowUp":
        video.volume = Math.min(1, video.volume + 0.1);
        break;
      case "ArrowDown":
        video.volume = Math.max(0, video.volume - 0.1);
        break;
      case "m":
        video.muted = !video.muted;
        break;
      case "f":
        if (document.fullscreenElement) void document.exitFullscreen(); else void root.requestFullscreen();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
}

function qualityMenu(root: HTMLElement, hls: Hls): void {
  const select = root.querySelector<HTMLSelectElement>("select.quality");
  if (!select) return;
  const fill = (levels: Level[]) => {
    select.replaceChildren();
    const auto = new Option(text(root, "Auto"), "-1");
    select.add(auto);
    levels
      .map((level, index) => ({ level, index }))
      .sort((a, b) => b.level.height - a.level.height)
      .forEach(({ level, index }) => select.add(new Option(level.height ? `${level.height}p` : text(root, "Audio"), String(index))));
    select.value = "-1";
    select.disabled = false;
  };
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => fill(data.levels));
  // A viewer who picks a quality wants it now: currentLevel flushes the buffer and reloads (-1 gives control back to ABR).
  select.addEventListener("change", () => {
    hls.currentLevel = Number(select.value);
  });
  const status = root.querySelector<HTMLElement>(".quality-current");
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
    const level = hls.levels[data.level];
    root.dataset.currentHeight = String(level?.height ?? 0);
    if (status && level) status.textContent = `${level.height}p`;
  });
}

function p2pPanel(root: HTMLElement, stats: P2PStats): () => void {
  const panel = root.querySelector<HTMLElement>(".p2p-panel");
  return () => {
    root.dataset.p2pPeers = String(stats.peers.size);
    root.dataset.p2pFromPeers = String(stats.fromPeers);
    root.dataset.p2pFromServer = String(stats.fromServer);
    root.dataset.p2pRejected = String(stats.rejected);
    root.dataset.p2pUploaded = String(stats.uploaded);
    if (!panel) return;
    const set = (name: string, value: string) => {
      const el = panel.querySelector<HTMLElement>(`[data-stat="${name}"]`);
      if (el) el.textContent = value;
    };
    set("peers", String(stats.peers.size));
    set("from-peers", formatBytes(stats.fromPeers));
    set("from-server", formatBytes(stats.fromServer));
    set("uploaded", formatBytes(stats.uploaded));
  };
}

/**
 * A live viewer's distance to the edge, in segments, drawn once per viewer between 2 and 2.4. Viewers who all sat at the
 * same distance would all need each new segment at the same instant, and all fetch it over HTTP: spread out, the
 * viewers closest to the edge fetch it and the others take it from them before they need it. The spread a viewer
 * really has is the draw plus where in a segment its first playlist read fell (hls.js counts the edge from that read),
 * up to one more segment. Glass-to-glass latency is then the distance + up to one segment + the segment's completion
 * (~0.3 s) + the encoders: at most ~7.3 s with the default 2 s segments (aim 8 s), as bench/live.sh measures with a
 * clock burned into the source. The 2-3.5 drawn before put the furthest viewers at ~9.3 s. A stall adds its length on
 * top: hls.js plays on at rate 1 and does not catch up (catching up, tried, holds the class so close together that
 * the P2P share fell from 81 % to 50 %).
 */
const liveSyncSegments = (random: number): number => 2 + 0.4 * random;
/**
 * A small-latency live (1 s segments, no peers: see PlayerView.Tracker) is played 2 segments behind its edge, as
 * PeerTube plays it; a viewer who fell behind after a stall speeds up (at most 1.2×) back to that distance, and one more
 * than 4 segments behind jumps back to it. Glass-to-glass: 2 s + the segment's completion + the encoders, ~3.4 s (aim 4 s).
 */
const SMALL_LATENCY_LIVE = { liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 4, maxLiveSyncPlaybackRate: 1.2 };
/** Only the segment being played and the next one of a live must come over HTTP at once; later ones wait for a peer. */
const LIVE_HIGH_DEMAND_SEGMENTS = 1;
/** A live's segment duration until its playlist says (the transcoder's default-mode segments). */
const LIVE_SEGMENT_SECONDS = 2;

async function createHls(data: PlayerData, stats: P2PStats, refresh: () => void): Promise<Hls> {
  const base = {
    enableWorker: false,
    capLevelToPlayerSize: true,
    startLevel: -1,
    // A live shared among peers is played 2 to 2.4 segments behind its edge, a distance drawn for this viewer (see
    // liveSyncSegments); a small-latency one as close as it can be.
    ...(data.live ? (data.smallLatency ? SMALL_LATENCY_LIVE : { liveSyncDurationCount: liveSyncSegments(Math.random()) }) : {}),
    xhrSetup: data.fileToken
      ? (xhr: XMLHttpRequest, url: string) => xhr.open("GET", withToken(url, data.fileToken), true)
      : undefined,
  };
  let hashes: SegmentHashes | undefined;
  if (data.p2p && data.tracker && data.segmentsSha256) {
    try {
      hashes = await loadSegmentHashes(data.segmentsSha256);
    } catch {
      hashes = undefined; // Without the hashes no peer segment can be trusted: HTTP only.
    }
  }
  if (!hashes || typeof RTCPeerConnection === "undefined") {
    return new Hls(base);
  }
  let known = hashes;
  let reloadedAt = 0;
  let reloading: Promise<void> | undefined;
  // A live's hash file grows as segments appear: a segment it does not list yet makes us read it again, at most once a
  // second; a segment arriving meanwhile waits for that next read rather than being refused (with the audio rendition
  // two segments come from peers every period, and the second was refused while the first's read was recent).
  const reloadHashes = (): Promise<void> => {
    reloading ??= new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, reloadedAt + 1000 - Date.now())))
      .then(async () => {
        reloadedAt = Date.now();
        try {
          known = await loadSegmentHashes(data.segmentsSha256);
        } catch {
          // Keep what we know: the segment is refused and fetched over HTTP.
        }
      })
      .finally(() => { reloading = undefined; });
    return reloading;
  };
  const validate = async (url: string, byteRange: { start: number; end: number } | undefined, bytes: ArrayBuffer): Promise<boolean> => {
    if (await isSegmentValid(known, url, byteRange, bytes)) return true;
    // Two reads at most: one already under way may have started before this segment's hash was written.
    for (let attempt = 0; attempt < 2 && data.live && !known[fileNameOf(url)]; attempt++) {
      await reloadHashes();
    }
    return data.live && isSegmentValid(known, url, byteRange, bytes);
  };
  const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
  const hls = new HlsWithP2P({
    ...base,
    p2p: {
      core: {
        announceTrackers: [data.tracker],
        rtcConfig: { iceServers: data.iceServers },
        swarmId: data.swarmId,
        // Only the next segment of a live must come over HTTP at once; later ones wait for a peer first (adjusted below
        // to the live's segment duration once its playlist is read).
        ...(data.live ? { highDemandTimeWindow: LIVE_HIGH_DEMAND_SEGMENTS * LIVE_SEGMENT_SECONDS } : {}),
        validateP2PSegment: async (url, byteRange, bytes) => {
          const ok = await validate(url, byteRange, bytes);
          if (!ok) {
            stats.rejected++;
            refresh();
          }
          return ok;
        },
      },
      onHlsJsCreated: (created) => {
        const engine = created.p2pEngine;
        engine.addEventListener("onPeerConnect", (p) => { stats.peers.add(p.peerId); refresh(); });
        engine.addEventListener("onPeerClose", (p) => { stats.peers.delete(p.peerId); refresh(); });
        engine.addEventListener("onChunkDownloaded", (bytes, source) => {
          if (source === "p2p") stats.fromPeers += bytes; else stats.fromServer += bytes;
          refresh();
        });
        engine.addEventListener("onChunkUploaded", (bytes) => { stats.uploaded += bytes; refresh(); });
        // One event per segment handed to the player, with where it came from (for pages embedding the player and benchmarks).
        engine.addEventListener("onSegmentLoaded", (d) => {
          document.dispatchEvent(new CustomEvent("vp-segment-loaded", {
            detail: { url: d.segmentUrl, bytes: d.bytesLength, source: d.downloadSource },
          }));
        });
      },
    },
  });
  if (data.live) {
    hls.once(Hls.Events.LEVEL_LOADED, (_e, loaded) => {
      const seconds = loaded.details.targetduration;
      if (seconds > 0 && seconds !== LIVE_SEGMENT_SECONDS) {
        hls.p2pEngine.applyDynamicConfig({ core: { highDemandTimeWindow: LIVE_HIGH_DEMAND_SEGMENTS * seconds } });
      }
    });
  }
  return hls;
}

/** Live mode: the latency behind the live edge, and a way back to it after catching up within the window. */
function liveMode(root: HTMLElement, hls: Hls, video: HTMLVideoElement): void {
  const latency = root.querySelector<HTMLElement>(".live-latency");
  const toLive = root.querySelector<HTMLButtonElement>(".to-live");
  toLive?.addEventListener("click", () => {
    const edge = hls.liveSyncPosition;
    if (edge !== null && edge !== undefined) video.currentTime = edge;
    void video.play();
  });
  setInterval(() => {
    const behind = hls.latency;
    if (!Number.isFinite(behind) || behind <= 0) return;
    root.dataset.latency = behind.toFixed(1);
    if (latency) latency.textContent = text(root, "Latency").replace("{0}", behind.toFixed(1).replace(".", ","));
    if (toLive) toLive.hidden = behind < (hls.targetLatency ?? 6) + 4;
  }, 1000);
  liveViewers(root);
}

/** How often the live's viewer count is read again (viewers count from their heartbeats, sent every 10 s). */
const VIEWERS_REFRESH_MS = 10_000;

/** The live's viewers now (PeerTube's `viewers` of the video), shown beside the badge and refreshed. */
function liveViewers(root: HTMLElement): void {
  const out = root.querySelector<HTMLElement>(".live-viewers");
  if (!out) return;
  const uuid = root.dataset.uuid ?? "";
  const refresh = async (): Promise<void> => {
    try {
      const response = await fetch(`/api/v1/videos/${encodeURIComponent(uuid)}`, { credentials: "same-origin", headers: { "X-VP-Session": "1" } });
      if (!response.ok) return;
      const video = (await response.json()) as { viewers?: number };
      const n = video.viewers ?? 0;
      root.dataset.viewers = String(n);
      out.textContent = text(root, n > 1 ? "Viewers" : "Viewer").replace("{0}", n.toLocaleString("fr-FR"));
    } catch {
      // A failed read keeps the last count; the next one may succeed.
    }
  };
  void refresh();
  setInterval(() => void refresh(), VIEWERS_REFRESH_MS);
}

async function start(root: HTMLElement): Promise<void> {
  const video = root.querySelector<HTMLVideoElement>("video");
  if (!video) return;
  const data = readData(root);
  if (data.start !== null) {
    startAt(video, data.start);
  } else if (!data.live) {
    rememberPosition(video, data.uuid);
  }
  captionsMenu(root, video);
  transcript(root, video);
  chapters(root, video, data.chapters);
  keyboardShortcuts(root, video);
  const stats: P2PStats = { peers: new Set(), fromPeers: 0, fromServer: 0, uploaded: 0, rejected: 0 };
  reportView(video, data.videoId, stats);
  const refresh = p2pPanel(root, stats);
  const error = root.querySelector<HTMLElement>(".player-error");

  if (!Hls.isSupported()) {
    // Safari on iPhone plays HLS natively; anything else gets the progressive MP4.
    video.src = withToken(video.canPlayType("application/vnd.apple.mpegurl") ? data.playlist : data.fallback, data.fileToken);
    embedApi(root, video, null);
    return;
  }
  const hls = await createHls(data, stats, refresh);
  qualityMenu(root, hls);
  hls.on(Hls.Events.ERROR, (_e, err) => {
    if (!err.fatal) return;
    if (err.type === Hls.ErrorTypes.NETWORK_ERROR) {
      hls.startLoad();
    } else if (err.type === Hls.ErrorTypes.MEDIA_ERROR) {
      hls.recoverMediaError();
    } else if (error) {
      error.hidden = false;
    }
  });
  if (data.live) liveMode(root, hls, video);
  hls.loadSource(withToken(data.playlist, data.fileToken));
  hls.attachMedia(video);
  embedApi(root, video, hls);
  root.dataset.ready = "true";
}

/** A link to a moment (`?start=`, from a search inside captions or a shared link) starts there. */
function startAt(video: HTMLVideoElement, start: number): void {
  video.addEventListener("loadedmetadata", () => {
    video.currentTime = Math.min(start, isFinite(video.duration) ? video.duration : start);
  }, { once: true });
}

const captionsKey = "vp-captions";

/**
 * Our captions menu over the native <track> elements: the choice is remembered on this device ("" = off); without one,
 * French captions are shown when the video has them. The other tracks stay "hidden" (loaded, not drawn) for the transcript.
 */
function captionsMenu(root: HTMLElement, video: HTMLVideoElement): void {
  const select = root.querySelector<HTMLSelectElement>("select.captions");
  if (!select) return;
  const languages = Array.from(select.options).map((o) => o.value).filter((v) => v);
  const saved = localStorage.getItem(captionsKey);
  const initial = saved !== null && (saved === "" || languages.includes(saved)) ? saved : languages.includes("fr") ? "fr" : "";
  const apply = (language: string) => {
    for (const track of Array.from(video.textTracks)) {
      if (track.kind !== "subtitles" && track.kind !== "captions") continue;
      track.mode = track.language === language ? "showing" : "hidden";
    }
    select.value = language;
    root.dataset.captions = language;
    document.dispatchEvent(new CustomEvent("vp-captions-changed", { detail: { language } }));
  };
  select.addEventListener("change", () => {
    localStorage.setItem(captionsKey, select.value);
    apply(select.value);
  });
  // The browser's own captions button changes the tracks: keep the menu in step.
  video.textTracks.addEventListener("change", () => {
    const showing = Array.from(video.textTracks).find((t) => t.mode === "showing");
    const language = showing?.language ?? "";
    if (language !== select.value) {
      select.value = language;
      root.dataset.captions = language;
      localStorage.setItem(captionsKey, language);
      document.dispatchEvent(new CustomEvent("vp-captions-changed", { detail: { language } }));
    }
  });
  apply(initial);
}

function formatTime(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Chapter markers under the picture (one button per chapter, placed at its time) and the chapters menu. */
function chapters(root: HTMLElement, video: HTMLVideoElement, list: Chapter[]): void {
  if (list.length === 0) return;
  const bar = root.querySelector<HTMLOListElement>("ol.chapter-bar");
  const select = root.querySelector<HTMLSelectElement>("select.chapters");
  const seek = (t: number) => {
    video.currentTime = t;
  };
  const current = () => {
    let index = 0;
    list.forEach((c, i) => { if (video.currentTime >= c.timecode) index = i; });
    return index;
  };
  const items: HTMLLIElement[] = [];
  const draw = () => {
    if (!bar || !isFinite(video.duration) || video.duration <= 0) return;
    bar.replaceChildren();
    items.length = 0;
    list.forEach((c, i) => {
      const end = i + 1 < list.length ? list[i + 1].timecode : video.duration;
      const li = document.createElement("li");
      li.style.left = `${(100 * c.timecode) / video.duration}%`;
      li.style.width = `${(100 * Math.max(0, end - c.timecode)) / video.duration}%`;
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.timecode = String(c.timecode);
      button.title = `${formatTime(c.timecode)} – ${c.title}`;
      button.textContent = c.title;
      button.setAttribute("aria-label", `${c.title} (${formatTime(c.timecode)})`);
      button.addEventListener("click", () => seek(c.timecode));
      li.append(button);
      bar.append(li);
      items.push(li);
    });
  };
  video.addEventListener("loadedmetadata", draw);
  video.addEventListener("durationchange", draw);
  draw();
  select?.addEventListener("change", () => seek(Number(select.value)));
  let shown = -1;
  video.addEventListener("timeupdate", () => {
    const index = current();
    if (index === shown) return;
    shown = index;
    root.dataset.chapter = String(list[index].timecode);
    if (select && document.activeElement !== select) select.value = String(list[index].timecode);
    items.forEach((li, i) => {
      if (i === index) li.firstElementChild?.setAttribute("aria-current", "true"); else li.firstElementChild?.removeAttribute("aria-current");
    });
  });
}

/** Lower case without accents, as the server folds text for search. */
function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae");
}

/**
 * The transcript panel of the watch page: the cues of the selected captions (or the first track when they are off) as
 * a list, the one being said highlighted, a click on one seeks there, the search field keeps the cues containing its words.
 */
function transcript(root: HTMLElement, video: HTMLVideoElement): void {
  const panel = document.querySelector<HTMLElement>("[data-transcript]");
  const list = panel?.querySelector<HTMLOListElement>("ol.transcript-cues");
  const search = panel?.querySelector<HTMLInputElement>("input[type=search]");
  const empty = panel?.querySelector<HTMLElement>(".transcript-empty");
  if (!panel || !list || !search || !empty) return;
  let rows: { li: HTMLLIElement; start: number; end: number; text: string }[] = [];
  let current: HTMLLIElement | null = null;

  const filter = () => {
    const words = fold(search.value).split(/\s+/).filter((w) => w);
    let visible = 0;
    for (const row of rows) {
      const show = words.every((w) => row.text.includes(w));
      row.li.hidden = !show;
      if (show) visible++;
    }
    empty.hidden = visible > 0 || rows.length === 0;
  };
  const highlight = () => {
    const t = video.currentTime;
    const row = rows.find((r) => t >= r.start && t < r.end) ?? null;
    if (row?.li === current) return;
    current?.classList.remove("current");
    current?.firstElementChild?.removeAttribute("aria-current");
    current = row?.li ?? null;
    if (current) {
      current.classList.add("current");
      current.firstElementChild?.setAttribute("aria-current", "true");
      if (list.scrollHeight > list.clientHeight) {
        list.scrollTop = current.offsetTop - list.offsetTop - list.clientHeight / 2;
      }
    }
  };
  const fill = (track: TextTrack) => {
    const cues = Array.from(track.cues ?? []) as VTTCue[];
    list.replaceChildren();
    current = null;
    rows = cues.map((cue) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.start = String(cue.startTime);
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = formatTime(cue.startTime);
      const words = cue.getCueAsHTML().textContent ?? cue.text;
      button.append(time, " ", words);
      button.addEventListener("click", () => {
        video.currentTime = cue.startTime;
      });
      li.append(button);
      list.append(li);
      return { li, start: cue.startTime, end: cue.endTime, text: fold(words) };
    });
    panel.dataset.language = track.language;
    panel.dataset.cues = String(rows.length);
    filter();
    highlight();
  };
  const load = () => {
    const language = root.dataset.captions;
    const tracks = Array.from(root.querySelectorAll<HTMLTrackElement>("video track"));
    const element = tracks.find((t) => t.srclang === language) ?? tracks[0];
    if (!element) return;
    if (element.track.mode === "disabled") element.track.mode = "hidden";
    if (element.readyState === HTMLTrackElement.LOADED) {
      fill(element.track);
    } else {
      element.addEventListener("load", () => fill(element.track), { once: true });
    }
  };
  search.addEventListener("input", filter);
  video.addEventListener("timeupdate", highlight);
  video.addEventListener("seeked", highlight);
  document.addEventListener("vp-captions-changed", load);
  load();
}

for (const root of document.querySelectorAll<HTMLElement>("[data-player]")) {
  void start(root);
}
