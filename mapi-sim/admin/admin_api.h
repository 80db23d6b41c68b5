// AdminApi: mapi-sim's loopback admin API (HTTP + JSON, bearer token) behind every
// `mapi-sim --data DIR <subcommand>`: users, delivery, contacts/events/tasks, settings and
// policies, devices and wipe, faults, events, statistics. Documented in docs/mapi-sim.md.
#pragma once

#include <memory>
#include <string>

#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/server/eas_service.h"
#include "mapi-sim/server/event_log.h"
#include "mapi-sim/server/faults.h"
#include "mapi-sim/server/work_queue.h"
#include "net/http_server.h"

namespace mapisim {

// handle() is the admin HttpServer's handler (loop thread); the work runs on the WorkQueue.
// Every request needs "Authorization: Bearer <token>" (constant-time compare); answers are JSON
// objects, errors {"error": "..."} with 400/401/404/409.
class AdminApi {
 public:
  AdminApi(Mailbox& mailbox, EasService& eas, EventLog& log, Faults& faults, WorkQueue& work,
           std::string token);
  void handle(std::shared_ptr<cradle::net::HttpExchange> exchange);

  // The JSON answer for one request; public so tests can drive it without sockets.
  cradle::net::HttpResponse answer(const cradle::net::HttpRequest& request);

 private:
  Mailbox& mailbox_;
  EasService& eas_;
  EventLog& log_;
  Faults& faults_;
  WorkQueue& work_;
  std::string token_;
};

// A TIME_ZONE_INFORMATION blob (MS-ASDTYPE 2.6.4), base64, for "UTC", "W. Europe", "GMT",
// "Eastern", "Central", "Mountain", "Pacific"; nullopt for other names.
std::optional<std::string> timeZoneBlob(const std::string& name);

}  // namespace mapisim
