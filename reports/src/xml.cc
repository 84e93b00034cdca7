#include <stepsim/report/xml.h>

namespace stepsim::report {

std::string XmlEscape(std::string_view text, XmlEscapeStyle style) {
  const bool xml10 = style == XmlEscapeStyle::kXml10;
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += xml10 ? "&apos;" : "&#39;";
        break;
      default:
        if (xml10 && static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace stepsim::report
