/*
 * radmfa web console page: the charts of the last hour, drawn with uPlot (served by the bundle) from series.json and
 * refreshed once per sample interval. Series names are reason codes and outcome kinds the server defines.
 */
(function () {
    'use strict';
    var box = document.getElementById('radmfa-charts');
    if (!box || typeof uPlot === 'undefined') {
        return;
    }
    var url = box.getAttribute('data-series-url');
    var every = (parseInt(box.getAttribute('data-interval'), 10) || 10) * 1000;
    var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
        '#bcbd22', '#17becf'];
    var charts = {};

    /* named: [[label, values], ...], all as long as xs. */
    function draw(id, xs, named) {
        var element = document.getElementById(id);
        if (named.length === 0) {
            named = [['none', xs.map(function () { return 0; })]];
        }
        var keys = named.map(function (n) { return n[0]; }).join('|');
        var data = [xs].concat(named.map(function (n) { return n[1]; }));
        var existing = charts[id];
        if (existing && existing.keys === keys) {
            existing.plot.setData(data);
            return;
        }
        if (existing) {
            existing.plot.destroy();
        }
        element.textContent = '';
        var series = [{}].concat(named.map(function (n, i) {
            return {label: n[0], stroke: palette[i % palette.length], width: 2, points: {show: xs.length < 3}};
        }));
        charts[id] = {
            keys: keys,
            plot: new uPlot({title: element.getAttribute('data-title'), width: 460, height: 200, series: series,
                scales: {x: {time: true}}}, data, element)
        };
    }

    function entries(map) {
        return Object.keys(map || {}).map(function (key) { return [key, map[key]]; });
    }

    function render(s) {
        var xs = s.time;
        box.setAttribute('data-points', String(xs.length));
        if (xs.length === 0) {
            return;
        }
        draw('radmfa-chart-rate', xs, [['decisions/s', s.decisionsPerSecond]]);
        draw('radmfa-chart-rejects', xs, entries(s.rejects));
        draw('radmfa-chart-mfa', xs, entries(s.mfaOutcomes));
        draw('radmfa-chart-latency', xs, entries(s.latencyMillis));
        draw('radmfa-chart-pending', xs, [['pending', s.pendingMfa]]);
    }

    function poll() {
        var request = new XMLHttpRequest();
        request.open('GET', url, true);
        request.setRequestHeader('Accept', 'application/json');
        request.onload = function () {
            if (request.status === 200) {
                render(JSON.parse(request.responseText));
            }
            window.setTimeout(poll, every);
        };
        request.onerror = function () {
            window.setTimeout(poll, every);
        };
        request.send();
    }

    poll();
}());
