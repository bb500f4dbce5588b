// The upload page: pick or drop a file, describe it, send it resumably, then follow transcoding until published.
import { createSession, sessionHeaders, uploadFile, UploadError, type UploadProgress } from "./resumable";

const form = document.querySelector<HTMLFormElement>("form[data-uploader]");
const texts = JSON.parse(document.getElementById("uploader-texts")?.textContent ?? "{}") as Record<string, string>;
const t = (key: string, ...args: (string | number)[]): string => {
  const template = texts[key] ?? key;
  return args.reduce<string>((s, a, i) => s.replace(`{${i}}`, String(a)), template);
};

function describeError(e: unknown): string {
  if (e instanceof UploadError) {
    switch (e.status) {
      case 401: return t("ErrSession");
      case 403: return t("ErrForbidden");
      case 413: return t("ErrTooBig");
      case 415: return t("ErrType");
      // The server says why the file is refused (truncated, damaged, not a video): show its words.
      case 422: return e.message ? `${t("ErrType")} ${e.message}` : t("ErrType");
      default: return t("ErrServer", e.message);
    }
  }
  return t("ErrNetwork");
}

function duration(seconds: number): string {
  if (!isFinite(seconds)) return "…";
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function speedText(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 * 1024 ? `${(bytesPerSecond / 1024 / 1024).toFixed(1)} Mio/s` : `${(bytesPerSecond / 1024).toFixed(0)} Kio/s`;
}

const storageKey = (file: File) => `vp-upload-${file.name}-${file.size}-${file.lastModified}`;

if (form) {
  const chunkSize = Number(form.dataset.chunkSize ?? 8 * 1024 * 1024);
  const input = form.querySelector<HTMLInputElement>("input[type=file]")!;
  const drop = form.querySelector<HTMLElement>(".dropzone")!;
  const bar = form.querySelector<HTMLProgressElement>("progress.upload-progress")!;
  const status = form.querySelector<HTMLElement>(".upload-status")!;
  const errorBox = form.querySelector<HTMLElement>(".upload-error")!;
  const submit = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
  const nameInput = form.querySelector<HTMLInputElement>("input[name=name]")!;
  const passwordsInput = form.querySelector<HTMLTextAreaElement>("textarea[name=passwords]")!;
  const groupsInput = form.querySelector<HTMLInputElement>("input[name=audienceGroups]")!;
  let file: File | undefined;

  const choose = (f: File | undefined) => {
    file = f;
    if (!f) return;
    drop.querySelector(".dropzone-file")!.textContent = f.name;
    if (!nameInput.value) nameInput.value = f.name.replace(/\.[^.]+$/, "");
    const pending = localStorage.getItem(storageKey(f));
    status.textContent = pending ? t("WillResume") : "";
  };
  input.addEventListener("change", () => choose(input.files?.[0]));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("dragging"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    choose(e.dataTransfer?.files[0]);
  });

  const showError = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.focus();
    submit.disabled = false;
  };

  // A field the API would refuse: marked invalid and described by the message, which is announced (role=alert).
  const refuseField = (field: HTMLInputElement | HTMLTextAreaElement, key: string) => {
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-errormessage", errorBox.id);
    showError(t(key));
  };
  const clearRefusals = () => {
    for (const field of [passwordsInput, groupsInput]) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-errormessage");
    }
  };
  const entries = (text: string, separator: RegExp): string[] =>
    text.split(separator).map((s) => s.trim()).filter((s) => s.length > 0);

  // The audience as the API takes it (as the edit page): class groups make the video internal (privacy 4) and restrict
  // it to their members; a password-protected video (privacy 5) needs one password or more, 2 to 100 characters, unique.
  const audience = (data: FormData): Record<string, unknown> | string => {
    const groups = [...new Set(entries(String(data.get("audienceGroups") ?? ""), /,/))];
    if (groups.length > 0) {
      if (groups.length > 20 || groups.some((g) => g.length > 100)) return "ErrGroupsInvalid";
      return { privacy: 4, audienceGroups: groups };
    }
    const privacy = Number(data.get("privacy"));
    if (privacy !== 5) return { privacy };
    const passwords = entries(String(data.get("passwords") ?? ""), /\r?\n/);
    if (passwords.length === 0) return "ErrPasswordsRequired";
    if (passwords.length > 100 || passwords.some((p) => p.length < 2 || p.length > 100) || new Set(passwords).size !== passwords.length) {
      return "ErrPasswordsInvalid";
    }
    return { privacy, videoPasswords: passwords };
  };

  const follow = async (uuid: string, shortUUID: string) => {
    for (;;) {
      const response = await fetch(`/api/v1/videos/${uuid}`, { headers: sessionHeaders, credentials: "same-origin" });
      if (response.ok) {
        const v = (await response.json()) as { state: { id: number }; transcodingProgress?: number | null; error?: string | null };
        if (v.state.id === 1) {
          status.innerHTML = "";
          const link = document.createElement("a");
          link.href = `/w/${shortUUID}`;
          link.textContent = t("Published");
          link.className = "published-link";
          status.append(link);
          form.dataset.state = "published";
          return;
        }
        if (v.state.id === 7) {
          showError(v.error ? `${t("TranscodeFailed")} ${v.error}` : t("TranscodeFailed"));
          return;
        }
        status.textContent = t("Transcoding", v.transcodingProgress ?? 0);
      }
      await new Promise((r) => setTimeout(r, 1500));
    }
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    errorBox.hidden = true;
    clearRefusals();
    if (!file) {
      showError(t("ErrNoFile"));
      return;
    }
    if (!nameInput.value.trim()) {
      showError(t("ErrNoName"));
      return;
    }
    const chosen = file;
    const data = new FormData(form);
    const who = audience(data);
    if (typeof who === "string") {
      refuseField(who === "ErrGroupsInvalid" ? groupsInput : passwordsInput, who);
      return;
    }
    const tags = String(data.get("tags") ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    const metadata: Record<string, unknown> = {
      name: String(data.get("name")).trim(),
      channelId: Number(data.get("channelId")),
      description: String(data.get("description") ?? ""),
      tags,
      ...who,
    };
    if (data.get("category")) metadata.category = Number(data.get("category"));
    if (data.get("language")) metadata.language = String(data.get("language"));
    submit.disabled = true;
    form.dataset.state = "uploading";
    void (async () => {
      try {
        let url = localStorage.getItem(storageKey(chosen));
        if (!url) {
          url = await createSession(chosen, metadata);
          localStorage.setItem(storageKey(chosen), url);
        }
        const video = await uploadFile(url, chosen, {
          chunkSize,
          onProgress: (p: UploadProgress) => {
            bar.max = p.total;
            bar.value = p.sent;
            const percent = Math.floor((p.sent / p.total) * 100);
            bar.textContent = `${percent} %`;
            form.dataset.percent = String(percent);
            status.textContent = t("Progress", percent, speedText(p.bytesPerSecond), duration(p.secondsLeft));
          },
          onRetry: (attempt, wait) => {
            status.textContent = t("Retrying", Math.round(wait / 1000), attempt);
          },
        });
        localStorage.removeItem(storageKey(chosen));
        form.dataset.state = "transcoding";
        status.textContent = t("Transcoding", 0);
        await follow(video.uuid, video.shortUUID);
      } catch (err) {
        if (err instanceof UploadError && (err.status === 404 || err.status === 410)) {
          // The stored session expired on the server: forget it so that the next try starts afresh.
          localStorage.removeItem(storageKey(chosen));
        }
        form.dataset.state = "error";
        showError(describeError(err));
      }
    })();
  });
}
