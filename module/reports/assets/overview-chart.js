// The Overview's chart: earnings (bars) and clicks (line) over the period, drawn by Chart.js from
// the figures the page carries in <script type="application/json" id="overview-data">. The same
// figures are in the table beside it, which is what screen readers and the printed page use.
(function () {
  'use strict';
  function draw() {
    var source = document.getElementById('overview-data');
    var canvas = document.getElementById('overview-chart');
    if (!source || !canvas || typeof window.Chart !== 'function') return;
    var data = JSON.parse(source.textContent || '{}');
    canvas.setAttribute('data-drawn', 'true');
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: 'bar', label: data.earnedLabel, data: data.earned, yAxisID: 'money', backgroundColor: 'rgba(31, 119, 180, 0.6)' },
          { type: 'line', label: data.clicksLabel, data: data.clicks, yAxisID: 'clicks', borderColor: 'rgb(214, 39, 40)', tension: 0.2 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          money: { type: 'linear', position: 'left', beginAtZero: true },
          clicks: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
      },
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
