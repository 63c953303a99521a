/*
 * radmfa web console page: polls state.json and refreshes the dashboard and the decision log. Every value from the
 * server is set as text (textContent), never as HTML: user names come from the network.
 */
(function () {
    'use strict';
    var root = document.getElementById('radmfa');
    if (!root) {
        return;
    }
    var stateUrl = root.getAttribute('data-state-url');
    var refresh = parseInt(root.getAttribute('data-refresh'), 10) || 2000;
    var live = document.getElementById('radmfa-live');
    var openTraces = {};

    function cell(row, text, cls) {
        var td = document.createElement('td');
        td.textContent = text === null || text === undefined ? '' : String(text);
        if (cls) {
            td.className = cls;
        }
        row.appendChild(td);
        return td;
    }

    function renderDashboard(figures) {
        var cells = document.querySelectorAll('#radmfa-dashboard td[data-key]');
        for (var i = 0; i < cells.length; i++) {
            var key = cells[i].getAttribute('data-key');
            if (Object.prototype.hasOwnProperty.call(figures, key)) {
                cells[i].textContent = String(figures[key]);
            }
        }
    }

    function renderDecisions(decisions) {
        var body = document.querySelector('#radmfa-decisions tbody');
        var fresh = document.createElement('tbody');
        decisions.forEach(function (d) {
            var row = document.createElement('tr');
            row.className = 'radmfa-decision radmfa-' + String(d.outcome).toLowerCase();
            row.setAttribute('data-id', d.id);
            row.setAttribute('data-user', d.user === null ? '' : d.user);
            row.style.cursor = 'pointer';
            cell(row, d.time);
            cell(row, d.id);
            cell(row, d.client);
            cell(row, d.user, 'radmfa-user');
            cell(row, d.outcome, 'radmfa-outcome');
            cell(row, d.reason, 'radmfa-reason');
            cell(row, d.policy === null ? '-' : d.policy);
            cell(row, d.millis);
            cell(row, d.detail);
            var traceRow = document.createElement('tr');
            traceRow.className = 'radmfa-trace';
            traceRow.setAttribute('data-id', d.id);
            traceRow.style.display = openTraces[d.id] ? '' : 'none';
            var td = document.createElement('td');
            td.colSpan = 9;
            var list = document.createElement('ol');
            (d.trace || []).forEach(function (line) {
                var item = document.createElement('li');
                item.textContent = line;
                list.appendChild(item);
            });
            var heading = document.createElement('div');
            heading.textContent = 'Trace of ' + d.id + ' (correlation id ' + d.correlationId + '):';
            td.appendChild(heading);
            td.appendChild(list);
            traceRow.appendChild(td);
            row.addEventListener('click', function () {
                openTraces[d.id] = !openTraces[d.id];
                traceRow.style.display = openTraces[d.id] ? '' : 'none';
            });
            fresh.appendChild(row);
            fresh.appendChild(traceRow);
        });
        body.parentNode.replaceChild(fresh, body);
    }

    function poll() {
        var request = new XMLHttpRequest();
        request.open('GET', stateUrl, true);
        request.setRequestHeader('Accept', 'application/json');
        request.onload = function () {
            if (request.status === 200) {
                var state = JSON.parse(request.responseText);
                renderDashboard(state.dashboard);
                renderDecisions(state.decisions);
                live.textContent = 'live, updated ' + state.time;
            } else {
                live.textContent = 'not updating: HTTP ' + request.status;
            }
            window.setTimeout(poll, refresh);
        };
        request.onerror = function () {
            live.textContent = 'not updating: the appliance does not answer';
            window.setTimeout(poll, refresh);
        };
        request.send();
    }

    // Forms that remove something ask first.
    Array.prototype.forEach.call(document.querySelectorAll('#radmfa form[data-confirm]'), function (form) {
        form.addEventListener('submit', function (event) {
            if (!window.confirm(form.getAttribute('data-confirm'))) {
                event.preventDefault();
            }
        });
    });

    // "Edit" fills the client form with the client's settings; the secret stays empty (kept unless typed).
    Array.prototype.forEach.call(document.querySelectorAll('#radmfa button.radmfa-edit-client'), function (button) {
        button.addEventListener('click', function () {
            var form = document.getElementById('radmfa-client-form');
            form.elements.name.value = button.getAttribute('data-name');
            form.elements.address.value = button.getAttribute('data-address');
            form.elements.vendor.value = button.getAttribute('data-vendor');
            form.elements.requireMessageAuthenticator.value = button.getAttribute('data-mauth');
            form.elements.limitProxyState.checked = button.getAttribute('data-limit-proxy-state') === 'true';
            var timeout = button.getAttribute('data-timeout');
            var retries = button.getAttribute('data-retries');
            form.elements.nasTimeoutSeconds.value = timeout === '0' ? '' : timeout;
            form.elements.nasRetries.value = retries === '0' ? '' : retries;
            form.elements.secret.value = '';
            form.scrollIntoView();
        });
    });

    // NPS import: the file is posted as it is, options in the query string, the token in a header; the report
    // comes back as text.
    var npsForm = document.getElementById('radmfa-nps-form');
    if (npsForm) {
        npsForm.addEventListener('submit', function (event) {
            event.preventDefault();
            var report = document.getElementById('radmfa-nps-report');
            var file = npsForm.elements['export'].files[0];
            if (!file) {
                report.textContent = 'Choose the export file first.';
                return;
            }
            var query = new URLSearchParams();
            query.set('name', file.name);
            query.set('dryRun', npsForm.elements.dryRun.checked ? 'true' : 'false');
            query.set('prefix', npsForm.elements.prefix.value);
            query.set('groupMap', npsForm.elements.groupMap.value);
            report.textContent = 'Importing ' + file.name + '...';
            fetch(npsForm.getAttribute('data-url') + '?' + query.toString(), {
                method: 'POST',
                credentials: 'same-origin',
                headers: {'Content-Type': 'application/xml', 'X-Radmfa-Csrf': root.getAttribute('data-csrf')},
                body: file
            }).then(function (response) {
                return response.text().then(function (text) {
                    report.textContent = (response.ok ? '' : 'HTTP ' + response.status + '\n') + text;
                });
            }).catch(function (error) {
                report.textContent = 'The upload failed: ' + error;
            });
        });
    }

    // "Edit" on a policy fills its form with the policy's fields (conditions, constraints, replies as lines).
    Array.prototype.forEach.call(document.querySelectorAll('#radmfa button.radmfa-edit-policy'), function (button) {
        button.addEventListener('click', function () {
            var form = document.getElementById(button.getAttribute('data-form'));
            var fields = JSON.parse(button.getAttribute('data-fields'));
            Object.keys(fields).forEach(function (name) {
                var element = form.elements[name];
                if (!element || element.type === 'hidden') {
                    return;
                }
                if (element.type === 'checkbox') {
                    element.checked = fields[name] === 'true';
                } else {
                    element.value = fields[name];
                }
            });
            form.scrollIntoView();
        });
    });

    // Search of the audit trail (the audit files, or the decisions in memory without them): results as text; a click
    // opens the decision's full trace, origin and reply attribute names.
    var search = document.getElementById('radmfa-search');
    if (search) {
        var status = document.getElementById('radmfa-search-status');
        var notice = document.getElementById('radmfa-search-notice');
        var detail = document.getElementById('radmfa-search-trace');
        var showDecision = function (d, fromFiles) {
            var request = new XMLHttpRequest();
            var key = fromFiles && d.correlationId ? 'correlationId=' + encodeURIComponent(d.correlationId)
                : 'id=' + encodeURIComponent(d.id);
            request.open('GET', search.getAttribute('data-decision-url') + '?' + key, true);
            request.onload = function () {
                detail.textContent = '';
                if (request.status !== 200) {
                    detail.textContent = 'Decision ' + (d.correlationId || d.id) + ' is no longer in the audit trail'
                        + ' (HTTP ' + request.status + ')';
                    return;
                }
                var one = JSON.parse(request.responseText);
                var heading = document.createElement('h3');
                heading.textContent = 'Decision ' + one.id + ': ' + one.outcome + ' ' + one.reason
                    + ' (correlation id ' + one.correlationId + ', ' + one.time + ', ' + one.source + ')';
                detail.appendChild(heading);
                var said = document.createElement('p');
                said.textContent = 'Client ' + one.client + ', user ' + one.user + ', policy '
                    + (one.policy === null ? '-' : one.policy) + ', ' + one.millis + ' ms: ' + one.detail;
                detail.appendChild(said);
                [['Trace', one.trace], ['Origin', one.origin], ['Reply', one.replyAttributes]].forEach(function (part) {
                    var title = document.createElement('div');
                    title.textContent = part[0] + ':';
                    var list = document.createElement('ol');
                    list.className = 'radmfa-' + part[0].toLowerCase();
                    (part[1] || []).forEach(function (line) {
                        var item = document.createElement('li');
                        item.textContent = line;
                        list.appendChild(item);
                    });
                    detail.appendChild(title);
                    detail.appendChild(list);
                });
                detail.scrollIntoView();
            };
            request.send();
        };
        search.addEventListener('submit', function (event) {
            event.preventDefault();
            var query = new URLSearchParams();
            ['user', 'client', 'correlationId', 'reason', 'from', 'to'].forEach(function (name) {
                if (search.elements[name].value) {
                    query.set(name, search.elements[name].value);
                }
            });
            status.textContent = 'searching...';
            notice.textContent = '';
            var request = new XMLHttpRequest();
            request.open('GET', search.getAttribute('data-url') + '?' + query.toString(), true);
            request.onload = function () {
                var body = document.querySelector('#radmfa-search-results tbody');
                var fresh = document.createElement('tbody');
                if (request.status !== 200) {
                    status.textContent = request.responseText;
                    body.parentNode.replaceChild(fresh, body);
                    return;
                }
                var result = JSON.parse(request.responseText);
                var fromFiles = result.source === 'files';
                result.decisions.forEach(function (d) {
                    var row = document.createElement('tr');
                    row.className = 'radmfa-found';
                    row.setAttribute('data-id', d.id);
                    row.style.cursor = 'pointer';
                    [d.time, d.id, d.client, d.user, d.outcome, d.reason, d.policy === null ? '-' : d.policy,
                        d.millis, d.correlationId].forEach(function (text) { cell(row, text); });
                    row.addEventListener('click', function () { showDecision(d, fromFiles); });
                    fresh.appendChild(row);
                });
                body.parentNode.replaceChild(fresh, body);
                if (fromFiles) {
                    status.textContent = result.decisions.length + ' found in the audit files';
                    notice.textContent = result.summary;
                    notice.className = result.complete ? '' : 'ui-state-highlight';
                } else {
                    status.textContent = result.decisions.length + ' found in memory'
                        + (result.decisions.length === result.limit ? ' (the first ' + result.limit + ')' : '')
                        + (result.decisionLog ? '' : ': no decision log installed');
                    notice.textContent = result.notice;
                    notice.className = 'ui-state-highlight';
                }
            };
            request.send();
        });
    }

    poll();
}());
