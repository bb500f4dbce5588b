// Plots of the admin dashboard and the lesson statistics: each <figure data-chart> carries its data as JSON (CSP: no
// inline script); the table next to it stays for readers without JavaScript and is folded once the plot is drawn.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

interface ChartData {
  /** Unix seconds, or plain numbers (seconds of a video) when time is false. */
  x: number[];
  time: boolean;
  unit: string;
  series: { label: string; values: (number | null)[] }[];
}

const colours = ["#1d4ed8", "#b45309", "#047857", "#9d174d"];

function draw(figure: HTMLElement): void {
  const data = JSON.parse(figure.dataset.chart ?? "{}") as ChartData;
  if (!data.x || data.x.length === 0) return;
  const holder = document.createElement("div");
  holder.className = "chart-plot";
  holder.setAttribute("role", "img");
  holder.setAttribute("aria-label", figure.querySelector("figcaption")?.textContent ?? "");
  figure.insertBefore(holder, figure.querySelector("details"));
  const width = (): number => Math.max(260, figure.clientWidth);
  const plot = new uPlot({
    width: width(),
    height: 220,
    scales: { x: { time: data.time } },
    axes: [{}, { label: data.unit, size: 60 }],
    series: [{}, ...data.series.map((s, i) => ({ label: s.label, stroke: colours[i % colours.length], width: 2 }))],
  }, [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData, holder);
  window.addEventListener("resize", () => plot.setSize({ width: width(), height: 220 }));
  const table = figure.querySelector("details");
  if (table) table.open = false;
}

for (const figure of document.querySelectorAll<HTMLElement>("figure[data-chart]")) {
  draw(figure);
}
