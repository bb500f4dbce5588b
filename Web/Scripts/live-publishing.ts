// The live owner's panel: copy buttons for the RTMP URL and the stream key.
for (const panel of document.querySelectorAll<HTMLElement>("[data-live-publishing]")) {
  const status = panel.querySelector<HTMLElement>(".copy-status");
  for (const button of panel.querySelectorAll<HTMLButtonElement>("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy ?? "") as HTMLInputElement | null;
      if (!input) return;
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        // Without clipboard permission (plain http), select the text for a manual copy.
        input.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = `${panel.dataset.tCopied ?? ""} : ${input.labels?.[0]?.textContent ?? ""}`;
    });
  }
}
