#pragma once

// The HTTP transport of `stepsim serve` (cpp-httplib): AWS JSON 1.0 requests,
// `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`, answered by a
// Service. Signatures are accepted without being checked.

#include <memory>
#include <string>

#include "serve/service.h"

namespace stepsim::cli::serve {

class HttpFrontEnd {
 public:
  /// `service` must outlive the front end.
  explicit HttpFrontEnd(Service& service);
  ~HttpFrontEnd();
  HttpFrontEnd(const HttpFrontEnd&) = delete;
  HttpFrontEnd& operator=(const HttpFrontEnd&) = delete;

  /// Binds `host`:`port` (port 0: a free one); the bound port, or -1 when it
  /// cannot bind.
  int Bind(const std::string& host, int port);
  /// Serves until Stop(); false when serving failed.
  bool Serve();
  /// Stops Serve() (from any thread).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stepsim::cli::serve
