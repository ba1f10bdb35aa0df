#include "sinks/status_line.hpp"

#include "sinks/console_text.hpp"

namespace sluice::detail {

std::size_t StatusLine::limit(std::size_t columns) {
  if (columns == 0) columns = 80;
  return columns > 1 ? columns - 1 : 1;
}

void StatusLine::clear(ByteBuffer& out) {
  if (!shown_) return;
  out.append(kClear);
  shown_ = false;
}

void StatusLine::draw(ByteBuffer& out, std::string_view text, std::size_t columns) {
  const std::size_t max = limit(columns);
  if (text_width(text) > max) {
    std::size_t w = 0, i = 0;
    for (; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++w > max) break;
    text = text.substr(0, i);
  }
  out.append(text);
  out.append("\x1b[K");  // what a longer line before left there
  shown_ = true;
}

void StatusLine::redraw(ByteBuffer& out, std::string_view text, std::size_t columns) {
  out.push_back('\r');
  draw(out, text, columns);
}

}  // namespace sluice::detail
