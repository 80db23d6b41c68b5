// The policy document a device is given: ESM Device Security / mailbox policy -> EASProvisionDoc
// (and through it the 2.5 wap-provisioningdoc), the effective policy of a user, its fingerprint.
#pragma once

#include <cstdint>
#include <optional>

#include "eas/message/provision.h"
#include "eas/version.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/policy/server_settings.h"

namespace mapisim {

// The policy enforced on a user's devices: nullopt when the user is exempt, either on the
// settings' exceptions list or through the mailbox's per-user exempt flag; else
// settings.policyFor(name, user.policy).
std::optional<DevicePolicy> effectivePolicy(const ServerSettings& settings, const UserRecord& user);

// The EASProvisionDoc elements for a policy, as Exchange 2007 writes them (the element set of
// libwbxml's captured activesync-012 document): the password limits are empty elements when no
// password is enforced; the 12.1 elements carry Exchange's permissive defaults. Restrict it to
// the client's version before sending (eas::restrictTo, done by eas::makePolicyResponse).
// allowNonProvisionable and refreshHours have no element: they are server-side rules.
cradle::eas::PolicySet toPolicySet(const DevicePolicy& policy);

// What a user's device is sent: toPolicySet(effectivePolicy), or for an exempt user the
// "no password" document of a default policy (Exchange sends a document in any case; devices
// handle Policy Status 2 "no policy" poorly).
cradle::eas::PolicySet policySetFor(const ServerSettings& settings, const UserRecord& user);

// A stable 64-bit fingerprint (FNV-1a) of the document as a client of `version` receives it
// (only the elements the version defines, encoded in its form). Stored when a key is issued;
// a different value later means the policy changed and the device must provision again.
uint64_t policyFingerprint(const cradle::eas::PolicySet& set, cradle::eas::ProtocolVersion version);

}  // namespace mapisim
