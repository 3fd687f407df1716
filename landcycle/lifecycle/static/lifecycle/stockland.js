/* The disposal-rate charts of the stock-land page (ECharts, vendored). Data from a JSON script
   element written by the server: no inline script (the Content Security Policy forbids it). */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("stock-rate-data");
    if (!el || !window.echarts) return;
    var d = JSON.parse(el.textContent);
    var target = {silent: true, symbol: "none", lineStyle: {color: "#b00020", type: "dashed"},
      label: {formatter: "目标 " + d.target + "%"}, data: [{yAxis: d.target}]};
    var percent = {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}};
    var trend = echarts.init(document.getElementById("chart-rate-trend"));
    trend.setOption({tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; }},
      grid: {left: 50, right: 70, top: 20, bottom: 30}, xAxis: {type: "category", data: d.months}, yAxis: percent,
      series: [{name: "消化处置率（按面积）", type: "line", data: d.month_rates, connectNulls: true,
        itemStyle: {color: "#3b6ea5"}, markLine: target}]});
    var streets = echarts.init(document.getElementById("chart-rate-streets"));
    streets.setOption({tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; }},
      grid: {left: 50, right: 70, top: 20, bottom: 50}, xAxis: {type: "category", data: d.streets, axisLabel: {interval: 0, rotate: 20}},
      yAxis: percent, series: [{name: "消化处置率（按面积）", type: "bar", markLine: target,
        data: d.street_rates.map(function (v) { return {value: v, itemStyle: {color: v != null && v >= d.target ? "#1a9850" : "#e66101"}}; })}]});
    window.addEventListener("resize", function () { trend.resize(); streets.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
