#pragma once

#include <string>
#include <string_view>

namespace stepsim::report {

/// How XmlEscape writes the characters XML and HTML treat differently.
enum class XmlEscapeStyle {
  /// `'` becomes `&#39;` (HTML 4 has no `&apos;`); control characters are
  /// kept as they are.
  kHtml,
  /// `'` becomes `&apos;`; control characters other than tab, newline and
  /// carriage return, which XML 1.0 cannot hold, become U+FFFD.
  kXml10,
};

/// `text` escaped for an XML or HTML attribute value or text node: `&`, `<`,
/// `>` and `"` become `&amp;`, `&lt;`, `&gt;` and `&quot;`, `'` and control
/// characters as `style` says; every other byte (UTF-8 included) is kept.
std::string XmlEscape(std::string_view text, XmlEscapeStyle style);

}  // namespace stepsim::report
