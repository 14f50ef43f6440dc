/* Charts drawn by the vendored Chart.js from a small spec the page embeds as JSON.
   A page draws one with the macro in templates/_charts.html, which writes
     <canvas data-chart="ID">  and  <script type="application/json" id="ID">{spec}</script>
   The spec is Homeledger's own, not Chart.js configuration:
     {"type": "line" | "bar" | "hbar" | "stacked-bar" | "doughnut",
      "labels": ["2026-01", ...],
      "series": [{"label": "Avalanche", "values": ["1200.50", 1100, null, ...]}, ...],
      "currency": "AUD" or null,   money on the axis and in tooltips, in the page's language
      "percent": false,            values are percentages ("45 %")
      "y_max": null,               the value axis' top (100 for percentages reached)
      "links": null}               or one list per series of URLs (or null) per label:
                                   clicking a bar, point or slice opens its URL
   Optional like app.js: the figure's table says the same thing, and if Chart.js did not
   load, the chart's box is hidden and the table opened instead. */
(function () {
  "use strict";
  /* Okabe–Ito: told apart by people with any common colour-vision deficiency. */
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  /* Lines are told apart without colour too: solid, dashed, dotted, dash-dot, ... */
  var DASHES = [[], [10, 5], [2, 4], [12, 4, 2, 4], [6, 6], [18, 6], [2, 8], [12, 4, 2, 4, 2, 4]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross"];
  var LABEL_LENGTH = 20;
  var TYPES = { "line": "line", "bar": "bar", "hbar": "bar", "stacked-bar": "bar", "doughnut": "doughnut" };

  function number(value) {
    if (value === null || value === undefined || value === "") { return null; }
    var n = Number(value);
    return isFinite(n) ? n : null;
  }

  /* How a value reads: in tooltips exactly; on the axis without cents when they are zero. */
  function formats(spec) {
    var lang = document.documentElement.lang || undefined;
    var exact, whole;
    if (spec.currency) {
      try {
        /* narrowSymbol: "$" for AUD, as the page's own figures write it (not "A$"). */
        var money = { style: "currency", currency: spec.currency, currencyDisplay: "narrowSymbol" };
        exact = new Intl.NumberFormat(lang, money);
        whole = new Intl.NumberFormat(lang, Object.assign({ minimumFractionDigits: 0 }, money));
      } catch (e) { /* an unknown currency code: plain numbers */ }
    }
    if (!exact) {
      exact = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
      whole = exact;
    }
    var suffix = spec.percent ? " %" : "";
    return {
      value: function (v) { return v === null ? "–" : exact.format(v) + suffix; },
      tick: function (v) { return (Number.isInteger(v) ? whole : exact).format(v) + suffix; }
    };
  }

  /* The URL behind the element clicked, if the spec gives one and it is a page of this app. */
  function linkAt(spec, element) {
    if (!spec.links || !element) { return null; }
    var urls = spec.links[element.datasetIndex];
    var url = urls ? urls[element.index] : null;
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function linking(spec, result) {
    if (!spec.links) { return; }
    /* The element under the pointer itself (the tooltip shows the whole month). */
    function under(event, chart) {
      return chart.getElementsAtEventForMode(event, "nearest", { intersect: true }, true)[0];
    }
    result.onClick = function (event, elements, chart) {
      var url = linkAt(spec, under(event, chart));
      if (url) { window.location.assign(url); }
    };
    result.onHover = function (event, elements, chart) {
      var target = event.native ? event.native.target : null;
      if (target) { target.style.cursor = linkAt(spec, under(event, chart)) ? "pointer" : "default"; }
    };
  }

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function datasets(spec) {
    var doughnut = spec.type === "doughnut";
    return spec.series.map(function (series, i) {
      var colour = PALETTE[i % PALETTE.length];
      var set = { label: series.label, data: series.values.map(number) };
      if (doughnut) {
        set.backgroundColor = spec.labels.map(function (_, j) { return PALETTE[j % PALETTE.length]; });
        set.borderColor = cssVar("--pico-background-color", "#fff");
        set.borderWidth = 2;
      } else if (spec.type === "line") {
        set.borderColor = colour;
        set.backgroundColor = colour;
        set.borderWidth = 2.5;
        set.borderDash = DASHES[i % DASHES.length];
        set.pointStyle = POINTS[i % POINTS.length];
        set.pointRadius = spec.labels.length > 24 ? 0 : 3;
        set.pointHoverRadius = 5;
        set.fill = false;
        set.tension = 0;
      } else {
        set.backgroundColor = colour;
        set.borderColor = colour;
        set.borderWidth = 1;
      }
      return set;
    });
  }

  /* The legend draws each line's sample with its own dash, as on the chart. */
  function lineLegend() {
    return {
      usePointStyle: true,
      pointStyle: "line",
      pointStyleWidth: 40,
      generateLabels: function (chart) {
        var items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
        items.forEach(function (item) {
          var set = chart.data.datasets[item.datasetIndex];
          item.lineDash = set.borderDash;
          item.lineWidth = set.borderWidth;
          item.strokeStyle = set.borderColor;
        });
        return items;
      }
    };
  }

  function options(spec, format) {
    var horizontal = spec.type === "hbar";
    var stacked = spec.type === "stacked-bar";
    var many = spec.series.length > 1 || spec.type === "doughnut";
    var result = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: spec.type === "doughnut" ? { mode: "nearest", intersect: true }
        : { mode: "index", intersect: false },
      plugins: {
        legend: {
          display: many,
          position: "bottom",
          labels: spec.type === "line" ? lineLegend() : {}
        },
        tooltip: {
          callbacks: {
            label: function (context) {
              var name = spec.type === "doughnut" ? context.label : context.dataset.label;
              return (name ? name + ": " : "") + format.value(context.raw);
            }
          }
        }
      }
    };
    linking(spec, result);
    if (spec.type === "doughnut") { return result; }
    if (horizontal) { result.indexAxis = "y"; }
    var value = {
      beginAtZero: true,
      stacked: stacked,
      ticks: { callback: function (v) { return format.tick(v); } },
      grid: { color: cssVar("--pico-muted-border-color", "#e0e0e0") }
    };
    if (spec.y_max !== null && spec.y_max !== undefined) { value.max = number(spec.y_max); }
    var category = {
      stacked: stacked,
      grid: { display: false },
      ticks: {
        /* A long name (a goal, a category) is cut on the axis; the tooltip and the table
           have it whole. */
        callback: function (v) {
          var label = String(this.getLabelForValue(v));
          return label.length > LABEL_LENGTH ? label.slice(0, LABEL_LENGTH - 1) + "…" : label;
        }
      }
    };
    result.scales = horizontal ? { x: value, y: category } : { x: category, y: value };
    return result;
  }

  function unavailable(figure) {
    if (!figure) { return; }
    figure.classList.add("chart-unavailable");
    var table = figure.querySelector("details");
    if (table) { table.open = true; }
  }

  function draw(canvas) {
    var figure = canvas.closest(".chart-figure");
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (e) {
      unavailable(figure);
      return;
    }
    if (typeof window.Chart === "undefined" || !TYPES[spec.type] || !Array.isArray(spec.series)) {
      unavailable(figure);
      return;
    }
    if (figure) { figure.classList.add("charted"); }
    var box = canvas.parentElement;
    if (spec.type === "hbar") {
      /* One bar a line of text high at least, so many goals do not squash together. */
      box.style.minHeight = (spec.labels.length * 2.4 + 4) + "rem";
    }
    var format = formats(spec);
    new window.Chart(canvas, {
      type: TYPES[spec.type],
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec, format)
    });
  }

  function start() {
    if (typeof window.Chart !== "undefined") {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      window.Chart.defaults.color = cssVar("--pico-muted-color", "#666");
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
