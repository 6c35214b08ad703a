/**
 * Example: a custom collector that reports const metrics, as client_golang's ExampleCollector
 * (example_clustermanager_test.go) does.
 *
 * When the values live elsewhere (a cluster manager, a device, a file), a collector reads them at
 * scrape time and sends const metrics: nothing is kept between scrapes. The descriptors are
 * declared once; `describeByCollect` derives `describe` from `collect`.
 */
import { expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import {
  type Collector,
  CounterValue,
  type Desc,
  describeByCollect,
  GaugeValue,
  type Metric,
  mustNewConstMetric,
  newDesc,
  newPedanticRegistry,
  type Registerer,
  type SendOnlyChannel,
  wrapRegistererWith,
} from "../../lib/prometheus/index.js";

/** ClusterManager stands for the system whose state we export. */
class ClusterManager {
  readonly zone: string;

  constructor(zone: string) {
    this.zone = zone;
  }

  /** reallyExpensiveAssessmentOfTheSystemState returns fake data, as in the Go example. */
  reallyExpensiveAssessmentOfTheSystemState(): { oomCountByHost: Map<string, number>; ramUsageByHost: Map<string, number> } {
    return {
      oomCountByHost: new Map([
        ["foo.example.org", 42],
        ["bar.example.org", 2001],
      ]),
      ramUsageByHost: new Map([
        ["foo.example.org", 6.023e23],
        ["bar.example.org", 3.14],
      ]),
    };
  }
}

const oomCountDesc = newDesc("clustermanager_oom_crashes_total", "Number of OOM crashes.", ["host"], null);
const ramUsageDesc = newDesc("clustermanager_ram_usage_bytes", "RAM usage as reported to the cluster manager.", ["host"], null);

/** ClusterManagerCollector turns the cluster manager's state into metrics at every scrape. */
class ClusterManagerCollector implements Collector {
  readonly clusterManager: ClusterManager;

  constructor(clusterManager: ClusterManager) {
    this.clusterManager = clusterManager;
  }

  describe(ch: SendOnlyChannel<Desc>): void {
    describeByCollect(this, ch);
  }

  collect(ch: SendOnlyChannel<Metric>): void {
    const { oomCountByHost, ramUsageByHost } = this.clusterManager.reallyExpensiveAssessmentOfTheSystemState();
    for (const [host, oomCount] of oomCountByHost) {
      ch.send(mustNewConstMetric(oomCountDesc, CounterValue, oomCount, host));
    }
    for (const [host, ramUsage] of ramUsageByHost) {
      ch.send(mustNewConstMetric(ramUsageDesc, GaugeValue, ramUsage, host));
    }
  }
}

/** newClusterManager registers a collector for the zone, which every metric gets as a label. */
function newClusterManager(zone: string, reg: Registerer): ClusterManager {
  const c = new ClusterManager(zone);
  wrapRegistererWith({ zone }, reg).mustRegister(new ClusterManagerCollector(c));
  return c;
}

it("example: a custom collector of const metrics, registered once per zone", async () => {
  // With custom collectors, a pedantic registry also checks every metric against its descriptor.
  const reg = newPedanticRegistry();
  newClusterManager("db", reg);
  newClusterManager("ca", reg);

  const text = metricFamiliesToText(await reg.gather());
  expect(text).toBe(`# HELP clustermanager_oom_crashes_total Number of OOM crashes.
# TYPE clustermanager_oom_crashes_total counter
clustermanager_oom_crashes_total{host="bar.example.org",zone="ca"} 2001
clustermanager_oom_crashes_total{host="bar.example.org",zone="db"} 2001
clustermanager_oom_crashes_total{host="foo.example.org",zone="ca"} 42
clustermanager_oom_crashes_total{host="foo.example.org",zone="db"} 42
# HELP clustermanager_ram_usage_bytes RAM usage as reported to the cluster manager.
# TYPE clustermanager_ram_usage_bytes gauge
clustermanager_ram_usage_bytes{host="bar.example.org",zone="ca"} 3.14
clustermanager_ram_usage_bytes{host="bar.example.org",zone="db"} 3.14
clustermanager_ram_usage_bytes{host="foo.example.org",zone="ca"} 6.023e+23
clustermanager_ram_usage_bytes{host="foo.example.org",zone="db"} 6.023e+23
`);
});
