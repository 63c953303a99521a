"""Parses a metrics page with the Prometheus project's own Python parsers (Debian: python3-prometheus-client).

    parse_metrics.py openmetrics|prometheus < page

Prints one sample a line, `name{label="value",...} value` with labels sorted, and `TYPE name type` for each family;
exits non-zero, with the parser's message, if the page does not parse.
"""
import sys

from prometheus_client import parser as prometheus_parser
from prometheus_client.openmetrics import parser as openmetrics_parser


def main():
    fmt = sys.argv[1]
    text = sys.stdin.read()
    if fmt == "openmetrics":
        families = openmetrics_parser.text_string_to_metric_families(text)
    elif fmt == "prometheus":
        families = prometheus_parser.text_string_to_metric_families(text)
    else:
        sys.exit("unknown format " + fmt)
    out = []
    for family in families:
        out.append("TYPE %s %s" % (family.name, family.type))
        for sample in family.samples:
            labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(sample.labels.items()))
            out.append("%s{%s} %r" % (sample.name, labels, float(sample.value)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
