// Task fields: how a task is run and retried (see task_fields.hpp):
// timeout, grace, retry, the flags, pool, priority, service, executor,
// resources, and the schema of `matrix` (expanded by the task builder).
// Each reader beside its JSON Schema, the two joined in the field's FieldOps.
#include "spec/schema_parts.hpp"
#include "spec/task_builder.hpp"

namespace sluice::detail::fields {

using namespace schema;

static void read_flag(TaskBuild& b, const FieldRef& f, bool& out) {
  if (auto v = b.r.boolean(f.unit, f.value, b.path())) out = *v;
}

static void read_pty(TaskBuild& b, const FieldRef& f) {
  read_flag(b, f, b.task.pty);
}
static void read_interactive(TaskBuild& b, const FieldRef& f) {
  read_flag(b, f, b.task.interactive);
}
static void read_continue_on_error(TaskBuild& b, const FieldRef& f) {
  read_flag(b, f, b.task.continue_on_error);
}
static void read_always(TaskBuild& b, const FieldRef& f) {
  read_flag(b, f, b.task.always);
}
static Json flag_schema() {
  return boolean();
}
const FieldOps kPtyField{read_pty, flag_schema};
const FieldOps kInteractiveField{read_interactive, flag_schema};
const FieldOps kContinueOnErrorField{read_continue_on_error, flag_schema};
const FieldOps kAlwaysField{read_always, flag_schema};

// A defaulted timeout would kill every service after it: it applies to
// services only when the task sets it itself (`service` is read first).
static void read_timeout(TaskBuild& b, const FieldRef& f) {
  if (f.from_defaults && b.task.extras().service) return;
  if (auto d = b.r.duration(f.unit, f.value, b.path())) b.task.timeout = *d;
}
static void read_grace(TaskBuild& b, const FieldRef& f) {
  if (auto d = b.r.duration(f.unit, f.value, b.path())) b.task.grace = *d;
}
static Json duration_schema() {
  return ref("duration");
}
const FieldOps kTimeoutField{read_timeout, duration_schema};
const FieldOps kGraceField{read_grace, duration_schema};

static void read_retry(TaskBuild& b, const FieldRef& f) {
  const std::uint32_t u = f.unit;
  RetryPolicy& retry = b.task.edit_extras().retry;
  if (b.r.tree(u).node(f.value).kind != Kind::Map) {
    if (auto n = b.r.integer(u, f.value, b.path(), kRetryLimit)) retry.limit = static_cast<int>(*n);
    return;
  }
  bool has_limit = false;
  b.r.each_entry(u, f.value, b.path(), "a map", [&](const MapEntry& e) {
    if (e.key == "limit") {
      has_limit = true;
      if (auto n = b.r.integer(u, e.value, e.path, kRetryLimit)) retry.limit = static_cast<int>(*n);
    } else if (e.key == "delay") {
      if (auto d = b.r.duration(u, e.value, e.path)) retry.delay = *d;
    } else if (e.key == "max_delay") {
      // Not one branch with `delay`: max_delay is optional.
      if (auto d = b.r.duration(u, e.value, e.path)) retry.max_delay = *d;
    } else if (e.key == "backoff") {
      if (auto n = b.r.number(u, e.value, e.path, 1.0)) retry.backoff = *n;
    } else if (e.key == "jitter") {
      if (auto jitter = b.r.boolean(u, e.value, e.path)) retry.jitter = *jitter;
    } else if (e.key == "on_exit") {
      if (!b.r.expect(u, e.value, Kind::Sequence, e.path, "a list of exit codes")) return;
      const YamlTree& tr = b.r.tree(u);
      for (std::uint32_t j = 0; j < tr.node(e.value).size; ++j)
        if (auto n = b.r.integer(u, tr.item(e.value, j), b.item_path(e.path, j), kExitCode))
          retry.on_exit.push_back(static_cast<int>(*n));
    } else {
      b.r.unknown_key(u, e.key_node, b.path(),
                      {"limit", "delay", "backoff", "max_delay", "jitter", "on_exit"});
    }
  });
  if (!has_limit) b.r.error(u, f.value, b.path(), "missing required key 'limit'");
}
static Json retry_schema() {
  return {{"anyOf",
           {integer(kRetryLimit), closed_object({{"limit", integer(kRetryLimit)},
                                                 {"delay", ref("duration")},
                                                 {"backoff", {{"type", "number"}, {"minimum", 1}}},
                                                 {"max_delay", ref("duration")},
                                                 {"jitter", boolean()},
                                                 {"on_exit", list(integer(kExitCode))}},
                                                {"limit"})}}};
}
const FieldOps kRetryField{read_retry, retry_schema};

static void read_pool(TaskBuild& b, const FieldRef& f) {
  auto s = b.r.scalar(f.unit, f.value, b.path());
  if (!s) return;
  b.task.edit_extras().pool = std::string(*s);
  b.note_pool(f);
}
const FieldOps kPoolField{read_pool,
                          [] { return described(ref("text"), "a pool name from `pools`"); }};

static void read_priority(TaskBuild& b, const FieldRef& f) {
  if (auto n = b.r.integer(f.unit, f.value, b.path(), kPriority))
    b.task.priority = static_cast<int>(*n);
}
const FieldOps kPriorityField{read_priority, [] { return integer(kPriority); }};

static Json matrix_schema() {
  return {{"type", "object"},
          {"minProperties", 1},
          {"propertyNames", {{"pattern", kIdentifierPattern}}},
          {"additionalProperties", list(ref("matrixValue"), 1)}};
}
const FieldOps kMatrixField{nullptr, matrix_schema};

static void read_executor(TaskBuild& b, const FieldRef& f) {
  auto s = b.r.scalar(f.unit, f.value, b.path());
  if (s && *s == "local") {
    b.task.executor = ExecutorKind::Local;
  } else if (s && *s == "slurm") {
    b.task.executor = ExecutorKind::Slurm;
  } else if (s) {
    b.r.error(f.unit, f.value, b.path(),
              "expected 'local' or 'slurm', got '" + std::string(*s) + "'",
              FieldReader::did_you_mean(*s, {"local", "slurm"}));
  }
}
const FieldOps kExecutorField{read_executor, []() -> Json {
                                return {{"enum", {"local", "slurm"}}};
                              }};

/// A service's `ready` probe: exactly one of tcp, http, log, cmd, delay.
static bool read_probe(TaskBuild& b, std::uint32_t u, NodeId n, const std::string& path,
                       Probe& probe) {
  const YamlTree& tr = b.r.tree(u);
  if (!b.r.expect(u, n, Kind::Map, path,
                  "one of {tcp: PORT}, {http: URL}, {log: REGEX}, {cmd: [...]}, {delay: D}"))
    return false;
  if (tr.node(n).size != 1) {
    b.r.error(u, n, path, "expected exactly one probe: tcp, http, log, cmd or delay");
    return false;
  }
  NodeId pk = tr.key(n, 0);
  NodeId pv = tr.value(n, 0);
  std::string_view kind = tr.scalar(pk);
  std::string ppath = path + "." + std::string(kind);
  if (kind == "tcp") {
    probe.kind = Probe::Kind::Tcp;
    auto port = b.r.integer(u, pv, ppath, kPort);
    if (port) probe.port = static_cast<int>(*port);
    return port.has_value();
  }
  if (kind == "http" || kind == "log") {
    probe.kind = kind == "http" ? Probe::Kind::Http : Probe::Kind::Log;
    auto s = b.r.scalar(u, pv, ppath);
    if (s) probe.text = std::string(*s);
    return s.has_value();
  }
  if (kind == "cmd") {
    probe.kind = Probe::Kind::Cmd;
    std::vector<NodeId> items;
    bool ok = b.r.string_list(u, pv, ppath, items);
    for (NodeId it : items) probe.argv.emplace_back(tr.scalar(it));
    if (items.empty() && tr.node(pv).kind == Kind::Sequence) {
      b.r.error(u, pv, ppath, "expected a non-empty list of strings");
      return false;
    }
    if (!items.empty() && tr.scalar(items[0]).empty()) {
      b.refuse_empty_program(u, items[0], ppath);
      return false;
    }
    return ok;
  }
  if (kind == "delay") {
    probe.kind = Probe::Kind::Delay;
    auto d = b.r.duration(u, pv, ppath);
    if (d) probe.delay = *d;
    return d.has_value();
  }
  b.r.unknown_key(u, pk, path, {"tcp", "http", "log", "cmd", "delay"});
  return false;
}

static void read_service(TaskBuild& b, const FieldRef& f) {
  const std::uint32_t u = f.unit;
  ServiceSpec svc;
  bool ok = true;
  const bool map =
      b.r.each_entry(u, f.value, b.path(), "a map {ready, ready_timeout}", [&](const MapEntry& e) {
        if (e.key == "ready_timeout") {
          auto d = b.r.duration(u, e.value, e.path);
          if (d) svc.ready_timeout = *d;
          ok = ok && d.has_value();
        } else if (e.key == "ready") {
          ok = read_probe(b, u, e.value, e.path, svc.ready) && ok;
        } else {
          b.r.unknown_key(u, e.key_node, b.path(), {"ready", "ready_timeout"});
          ok = false;
        }
      });
  if (map && ok) b.task.edit_extras().service = std::move(svc);
}

static void read_resources(TaskBuild& b, const FieldRef& f) {
  const std::uint32_t u = f.unit;
  b.r.each_entry(
      u, f.value, b.path(), "a map {cpus, mem, time, partition}", [&](const MapEntry& e) {
        if (e.key == "cpus") {
          if (auto n = b.r.integer(u, e.value, e.path, kCount))
            b.task.edit_extras().resources.cpus = static_cast<int>(*n);
        } else if (e.key == "mem" || e.key == "time" || e.key == "partition") {
          auto s = b.r.scalar(u, e.value, e.path);
          if (!s) return;
          Resources& res = b.task.edit_extras().resources;
          (e.key == "mem" ? res.mem : e.key == "time" ? res.time : res.partition) = std::string(*s);
        } else {
          b.r.unknown_key(u, e.key_node, b.path(), {"cpus", "mem", "time", "partition"});
        }
      });
}

static Json service_schema() {
  Json probe = {{"type", "object"},
                {"minProperties", 1},
                {"maxProperties", 1},
                {"properties",
                 {{"tcp", integer(kPort)},
                  {"http", ref("text")},
                  {"log", ref("text")},
                  {"cmd", ref("argv")},
                  {"delay", ref("duration")}}},
                {"additionalProperties", false}};
  return closed_object({{"ready", probe}, {"ready_timeout", ref("duration")}});
}
const FieldOps kServiceField{read_service, service_schema};

static Json resources_schema() {
  return closed_object({{"cpus", integer(kCount)},
                        {"mem", ref("text")},
                        {"time", ref("text")},
                        {"partition", ref("text")}});
}
const FieldOps kResourcesField{read_resources, resources_schema};

}  // namespace sluice::detail::fields
