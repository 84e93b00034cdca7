#include "serve/http.h"

#include <httplib.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <string>
#include <string_view>

namespace stepsim::cli::serve {
namespace {

constexpr const char* kContentType = "application/x-amz-json-1.0";
constexpr std::string_view kTargetPrefix = "AWSStepFunctions.";
// Enough workers for many keep-alive clients and long-polling activity
// workers at once; connections beyond them wait in the queue.
constexpr std::size_t kWorkers = 64;
// Bodies up to this size are read and answered with AWS's error when they
// pass kMaxRequestBytes; larger ones are refused by the library unread.
constexpr std::size_t kReadLimit = std::size_t{16} * 1024 * 1024;

void Send(httplib::Response& res, const Response& r, std::uint64_t request_id) {
  res.status = r.status;
  std::array<char, 40> id{};
  std::snprintf(id.data(), id.size(), "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(request_id & 0xffffffffffffULL));
  res.set_header("x-amzn-RequestId", id.data());
  res.set_content(r.body.dump(-1, ' ', false, Json::error_handler_t::replace), kContentType);
}

}  // namespace

struct HttpFrontEnd::Impl {
  Service& service;
  httplib::Server server;
  std::atomic<std::uint64_t> requests{0};
  int listen_socket = -1;
  explicit Impl(Service& s) : service(s) {}
};

HttpFrontEnd::HttpFrontEnd(Service& service) : impl_(std::make_unique<Impl>(service)) {
  Impl& impl = *impl_;
  impl.server.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  impl.server.set_socket_options([&impl](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl.listen_socket = sock;
  });
  impl.server.set_payload_max_length(kReadLimit);
  impl.server.set_keep_alive_max_count(100000);
  impl.server.set_keep_alive_timeout(5);
  // Headers and body go out in separate writes: without this, Nagle and the
  // client's delayed ACK add 40 ms to every answer.
  impl.server.set_tcp_nodelay(true);
  impl.server.set_read_timeout(5);
  impl.server.set_write_timeout(5);
  impl.server.Post("/", [&impl](const httplib::Request& req, httplib::Response& res) {
    const std::uint64_t id = ++impl.requests;
    if (!req.has_header("X-Amz-Target")) {
      Send(res,
           ErrorResponse("UnknownOperationException",
                         "missing X-Amz-Target header (expected AWSStepFunctions.<Operation>)"),
           id);
      return;
    }
    const std::string target = req.get_header_value("X-Amz-Target");
    if (target.rfind(kTargetPrefix, 0) != 0) {
      Send(res, ErrorResponse("UnknownOperationException", "unknown operation \"" + target + "\""),
           id);
      return;
    }
    Send(res, impl.service.Handle(std::string_view(target).substr(kTargetPrefix.size()), req.body),
         id);
  });
  impl.server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&impl](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::uint64_t id = ++impl.requests;
        if (res.status == 413) {
          Send(res,
               ErrorResponse(
                   "RequestEntityTooLargeException",
                   "request body is larger than " + std::to_string(kMaxRequestBytes) + " bytes",
                   413),
               id);
        } else if (res.status == 404) {
          Send(res,
               ErrorResponse(
                   "UnknownOperationException",
                   "stepsim serve answers POST / only, got " + req.method + " " + req.path, 404),
               id);
        } else {
          Send(res,
               ErrorResponse(
                   "InvalidRequestException",
                   "the request could not be read (HTTP " + std::to_string(res.status) + ")",
                   res.status),
               id);
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  impl.server.set_exception_handler(
      [&impl](const httplib::Request&, httplib::Response& res, const std::exception_ptr&) {
        Send(res, ErrorResponse("InternalFailure", "internal error", 500), ++impl.requests);
      });
}

HttpFrontEnd::~HttpFrontEnd() = default;

int HttpFrontEnd::Bind(const std::string& host, int port) {
  const int bound = port == 0 ? impl_->server.bind_to_any_port(host)
                              : (impl_->server.bind_to_port(host, port) ? port : -1);
  // The library listens with a backlog of 5, which resets connections when
  // many clients connect at once; listening again raises it.
  if (bound >= 0 && impl_->listen_socket >= 0) listen(impl_->listen_socket, SOMAXCONN);
  return bound;
}

bool HttpFrontEnd::Serve() { return impl_->server.listen_after_bind(); }

void HttpFrontEnd::Stop() { impl_->server.stop(); }

}  // namespace stepsim::cli::serve
