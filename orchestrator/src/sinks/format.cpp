#include "sinks/format.hpp"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace sluice::detail {

std::string format_duration(std::int64_t ms) {
  if (ms < 0) ms = 0;
  // Rounded to the unit shown, not cut: 999 ms is "1.0s", 59,960 ms "1m00s".
  char buf[32];
  if (const std::int64_t tenths = (ms + 50) / 100; tenths < 600) {
    std::snprintf(buf, sizeof buf, "%lld.%llds", static_cast<long long>(tenths / 10),
                  static_cast<long long>(tenths % 10));
  } else if (const std::int64_t s = (ms + 500) / 1000; s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    const std::int64_t m = (ms + 30'000) / 60'000;
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(m / 60),
                  static_cast<long long>(m % 60));
  }
  return buf;
}

std::string signal_name(int signo) {
  if (const char* abbrev = ::sigabbrev_np(signo)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signo);
}

std::string format_exit(const TaskFinished& f) {
  if (f.exit_code) return "exit " + std::to_string(*f.exit_code);
  if (f.signal) return signal_name(*f.signal);
  return {};
}

void TimestampFormatter::append(ByteBuffer& out, Clock::time_point tp) {
  auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
  std::int64_t sec = ms_total / 1000;
  std::int64_t ms = ms_total % 1000;
  if (ms < 0) {  // before 1970: floor, not truncate
    ms += 1000;
    --sec;
  }
  if (sec != cached_sec_) {
    std::time_t t = static_cast<std::time_t>(sec);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char tmp[80];
    std::snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::memcpy(cached_, tmp, sizeof cached_ - 1);
    cached_sec_ = sec;
  }
  char* p = out.reserve_tail(24);
  std::memcpy(p, cached_, 19);
  p[19] = '.';
  p[20] = static_cast<char>('0' + ms / 100);
  p[21] = static_cast<char>('0' + ms / 10 % 10);
  p[22] = static_cast<char>('0' + ms % 10);
  p[23] = 'Z';
  out.commit(24);
}

}  // namespace sluice::detail
