/* 仪表盘 (dashboard): draws every [data-chart] element with ECharts from its JSON endpoint.
 * Amounts arrive as exact decimal text; they are turned into numbers only for drawing. */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var en = lang.indexOf("en") === 0;
  function t(zh, english) { return en ? english : zh; }
  function num(list) { return (list || []).map(function (v) { return Number(v); }); }
  var DIRECTION = { purchase: t("进项", "Purchases"), sales: t("销项", "Sales") };
  var AMOUNT = { net: t("金额", "Net"), tax: t("税额", "Tax"), gross: t("价税合计", "Gross") };

  var builders = {
    monthly: function (data) {
      var series = [];
      Object.keys(data.series).forEach(function (direction) {
        ["net", "tax", "gross"].forEach(function (amount) {
          series.push({
            name: (DIRECTION[direction] || direction) + " " + AMOUNT[amount],
            type: amount === "gross" ? "line" : "bar",
            stack: amount === "gross" ? undefined : direction,
            data: num(data.series[direction][amount])
          });
        });
      });
      return {
        tooltip: { trigger: "axis" },
        legend: { type: "scroll" },
        grid: { left: 10, right: 20, bottom: 30, containLabel: true },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: series
      };
    },
    sellers: function (data) { return parties(data); },
    buyers: function (data) { return parties(data); },
    rates: function (data) {
      return {
        tooltip: { trigger: "item" },
        legend: { type: "scroll", bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"],
          data: data.map(function (r) { return { name: r.label, value: Number(r.net) }; })
        }]
      };
    },
    deduction: function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { type: "scroll" },
        grid: { left: 10, right: 20, bottom: 30, containLabel: true },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: data.statuses.map(function (s) {
          return { name: s.label, type: "bar", stack: "deduction", data: num(data.series[s.value]) };
        })
      };
    },
    reconciliation: function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: {},
        grid: { left: 10, right: 20, bottom: 30, containLabel: true },
        xAxis: { type: "category", data: data.map(function (r) { return r.as_of + " #" + r.run; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: t("问题", "Problems"), type: "line", data: data.map(function (r) { return r.problems; }) },
          { name: t("未处理", "Open"), type: "bar", data: data.map(function (r) { return r.open; }) }
        ]
      };
    },
    localisation: function (data) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 10, right: 20, bottom: 30, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.map(function (r) { return r.value; }) },
        series: [{ type: "bar", barMaxWidth: 28, name: t("问题数", "Problems"), data: data.map(function (r) { return r.count; }) }]
      };
    }
  };

  function parties(data) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 10, right: 20, bottom: 30, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: data.map(function (r) { return r.name || r.tax_id; }) },
      series: [{ type: "bar", barMaxWidth: 28, name: AMOUNT.gross, data: data.map(function (r) { return Number(r.amount); }) }]
    };
  }

  function draw(element) {
    var kind = element.getAttribute("data-chart");
    var key = element.getAttribute("data-key");
    element.setAttribute("data-drawn", "pending");
    fetch(element.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (payload) {
        var data = key ? payload.data[key] : payload.data;
        var chart = window.echarts.init(element);
        chart.setOption(builders[kind](data));
        element.setAttribute("data-drawn", "true");
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () {
        element.setAttribute("data-drawn", "error");
        element.classList.add("chart-error");
        element.textContent = t("图表加载失败", "The chart could not be loaded");
      });
  }

  function init() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]:not([data-drawn])").forEach(draw);
  }
  document.addEventListener("htmx:afterSettle", init);  // a page part swapped in by htmx
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
