// The dashboard's charts: drawn with the vendored uPlot from the page's JSON block.
(function () {
  "use strict";
  var block = document.getElementById("chart-data");
  if (!block || typeof uPlot === "undefined") {
    return;
  }
  var COLOURS = ["#1d3557", "#e63946", "#2a9d8f", "#f4a261"];
  var charts = JSON.parse(block.textContent);

  // One uPlot series per line; a `points` line (spikes on their days) is marks only.
  function seriesOf(line, index) {
    var colour = COLOURS[index % COLOURS.length];
    if (line.points) {
      return {
        label: line.label,
        stroke: colour,
        fill: colour,
        paths: function () { return null; },
        points: { show: true, size: 9, stroke: colour, fill: colour },
      };
    }
    var drawn = { label: line.label, stroke: colour, width: 2 };
    if (index === 0) {
      drawn.fill = "rgba(29, 53, 87, 0.12)";
    }
    return drawn;
  }

  document.querySelectorAll(".chart[data-series]").forEach(function (target) {
    var chart = charts[target.dataset.series];
    if (!chart || chart.x.length === 0) {
      target.classList.add("chart-failed");
      return;
    }
    var options = {
      width: Math.max(target.clientWidth, 320),
      height: 220,
      series: [{}].concat(chart.lines.map(seriesOf)),
      axes: [{}, {}],
    };
    var data = [chart.x].concat(chart.lines.map(function (line) { return line.y; }));
    new uPlot(options, data, target);
    target.dataset.drawn = "true";
  });
})();
