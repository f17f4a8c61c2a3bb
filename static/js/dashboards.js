/* Draws each dashboard chart from the data table that follows it (the table stays the
   accessible version of the chart), and wires the print button. No inline script: CSP. */
(function () {
  "use strict";
  var COLOURS = ["#005a9c", "#b42318", "#1e7b34", "#9a6700", "#6f42c1", "#0f766e",
                 "#c2410c", "#4b5563", "#be185d", "#2563eb", "#65a30d", "#7c2d12"];

  function number(cell) {
    var raw = cell ? cell.getAttribute("data-value") : "";
    if (raw === null || raw === "") { return null; }
    var value = parseFloat(raw);
    return isNaN(value) ? null : value;
  }

  function draw(table) {
    var canvas = document.getElementById(table.getAttribute("data-chart-for"));
    if (!canvas || typeof window.Chart === "undefined") { return; }
    var type = table.getAttribute("data-chart-type");
    var unit = table.getAttribute("data-chart-unit") || "";
    var column = table.getAttribute("data-chart-column");
    var stacked = table.getAttribute("data-chart-stacked") === "true";
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels, datasets;
    if (column !== null) {
      var index = parseInt(column, 10);
      labels = rows.map(function (row) { return row.cells[0].getAttribute("data-value"); });
      datasets = [{
        label: heads[index],
        data: rows.map(function (row) { return number(row.cells[index]); }),
        backgroundColor: COLOURS[0]
      }];
    } else {
      var last = heads[heads.length - 1] === "Total" ? heads.length - 1 : heads.length;
      labels = heads.slice(1, last);
      datasets = rows.map(function (row, i) {
        var data = [];
        for (var c = 1; c < last; c++) { data.push(number(row.cells[c])); }
        var colour = COLOURS[i % COLOURS.length];
        return { label: row.cells[0].getAttribute("data-value"), data: data,
                 borderColor: colour, backgroundColor: colour, spanGaps: true };
      });
    }
    new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: type === "bar",
               title: { display: !!unit, text: unit } }
        },
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-chart-for]"), draw);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
