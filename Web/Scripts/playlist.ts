// A course sequence (the playlist watch page and its embed): at the end of a lesson (or at its element's stop time), the
// next one opens when "autoplay" is on (remembered), and a lesson opened that way starts by itself (muted if the
// browser refuses sound without a gesture).
const autoplayKey = "vp-playlist-autoplay";

function startPlaying(video: HTMLVideoElement): void {
  const play = () => {
    video.play().catch(() => {
      video.muted = true;
      return video.play();
    }).catch(() => undefined);
  };
  if (video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA) play();
  else video.addEventListener("canplay", play, { once: true });
}

function sequence(nav: HTMLElement): void {
  const video = document.querySelector<HTMLVideoElement>("[data-player] video");
  const box = nav.querySelector<HTMLInputElement>(".playlist-autoplay");
  if (box) {
    box.checked = localStorage.getItem(autoplayKey) !== "false";
    box.addEventListener("change", () => localStorage.setItem(autoplayKey, String(box.checked)));
  }
  if (!video) return;
  const next = nav.dataset.next ?? "";
  const stop = Number(nav.dataset.stop ?? "");
  let leaving = false;
  const goNext = () => {
    if (leaving || next === "" || !(box?.checked ?? true)) return;
    leaving = true;
    nav.dataset.leaving = "true";
    const url = new URL(next, location.href);
    url.searchParams.set("autoplay", "1");
    location.assign(url.toString());
  };
  video.addEventListener("ended", goNext);
  if (stop > 0) {
    video.addEventListener("timeupdate", () => {
      if (video.currentTime >= stop) {
        video.pause();
        goNext();
      }
    });
  }
  if (new URLSearchParams(location.search).get("autoplay") === "1") startPlaying(video);
}

for (const nav of document.querySelectorAll<HTMLElement>("[data-playlist-nav]")) sequence(nav);
