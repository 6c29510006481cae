// The dashboard's charts: drawn with the vendored uPlot from the page's JSON block.
(function () {
  "use strict";
  var block = document.getElementById("chart-data");
  if (!block || typeof uPlot === "undefined") {
    return;
  }
  var charts = JSON.parse(block.textContent);
  document.querySelectorAll(".chart[data-series]").forEach(function (target) {
    var series = charts[target.dataset.series];
    if (!series || series.x.length === 0) {
      target.classList.add("chart-failed");
      return;
    }
    var options = {
      width: Math.max(target.clientWidth, 320),
      height: 220,
      series: [{}, { label: series.title, stroke: "#1d3557", fill: "rgba(29, 53, 87, 0.15)" }],
      axes: [{}, {}],
    };
    var data = [series.x, series.y];
    if (series.y2) {
      // A second line (newly inactive beside new members).
      options.series.push({ label: series.title2, stroke: "#e63946" });
      data.push(series.y2);
    }
    new uPlot(options, data, target);
    target.dataset.drawn = "true";
  });
})();
