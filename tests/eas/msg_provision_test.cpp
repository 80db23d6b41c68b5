// Provision: the two-phase exchange (2.5 and 12.1), remote wipe, exact bytes, every error path.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "eas/message/provision.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace {

namespace P = tag::Provision;
namespace Se = tag::Settings;

// A request <Provision><Policies><Policy>...</Policy></Policies></Provision> around `policy`.
Document requestWithPolicy(const std::function<void(WbxmlWriter&)>& policy) {
  return build([&](WbxmlWriter& w) {
    w.start(P::Provision);
    w.start(P::Policies);
    w.start(P::Policy);
    policy(w);
    w.end();
    w.end();
    w.end();
  });
}

// A response whose EASProvisionDoc holds `children`.
Document responseWithDoc(const std::function<void(WbxmlWriter&)>& children) {
  return build([&](WbxmlWriter& w) {
    w.start(P::Provision);
    w.element(P::Status, "1");
    w.start(P::Policies);
    w.start(P::Policy);
    w.element(P::PolicyType, EasProvisioningWbxml);
    w.element(P::Status, "1");
    w.element(P::PolicyKey, "1");
    w.start(P::Data);
    w.start(P::EASProvisionDoc);
    children(w);
    w.end();
    w.end();
    w.end();
    w.end();
    w.end();
  });
}

// A 2.5 response whose Data is the text `wap`.
Document responseWithWap(std::string_view wap) {
  return build([&](WbxmlWriter& w) {
    w.start(P::Provision);
    w.element(P::Status, "1");
    w.start(P::Policies);
    w.start(P::Policy);
    w.element(P::PolicyType, WapProvisioningXml);
    w.element(P::Status, "1");
    w.element(P::PolicyKey, "7");
    w.element(P::Data, wap);
    w.end();
    w.end();
    w.end();
  });
}

ErrorCode requestError(const Document& doc) {
  auto r = decodeProvisionRequest(doc);
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

ErrorCode responseError(const Document& doc) {
  auto r = decodeProvisionResponse(doc);
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

ErrorCode wapError(std::string_view xml) {
  auto r = decodeWapProvisioningDoc(xml);
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

// The document Exchange 2007 generates for a 2.5 client with PIN on, 4 characters, lock after
// 15 minutes and wipe after 8 attempts (expected text, written by hand from MS-ASPROV
// 2.2.2.24.2 and Exchange's derivations).
constexpr std::string_view ExchangeWap =
    "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\"><parm name=\"4131\" "
    "value=\"0\"/><parm name=\"4133\" value=\"0\"/></characteristic><characteristic "
    "type=\"Registry\"><characteristic "
    "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}\">"
    "<parm name=\"AEFrequencyType\" value=\"1\"/><parm name=\"AEFrequencyValue\" "
    "value=\"15\"/></characteristic><characteristic "
    "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\"><parm name=\"DeviceWipeThreshold\" "
    "value=\"8\"/></characteristic><characteristic "
    "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\"><parm name=\"CodewordFrequency\" "
    "value=\"4\"/></characteristic><characteristic "
    "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw\"><parm "
    "name=\"MinimumPasswordLength\" value=\"4\"/></characteristic><characteristic "
    "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw\"><parm name=\"PasswordComplexity\" "
    "value=\"2\"/></characteristic></characteristic></wap-provisioningdoc>";

PolicySet pinPolicy() {
  PolicySet p;
  p.devicePasswordEnabled = true;
  p.alphanumericDevicePasswordRequired = false;
  p.minDevicePasswordLength = PolicyLimit{4};
  p.maxInactivityTimeDeviceLock = PolicyLimit{900};
  p.maxDevicePasswordFailedAttempts = PolicyLimit{8};
  return p;
}

// Every field set, 12.1 ones included.
PolicySet fullPolicy() {
  PolicySet p = pinPolicy();
  p.passwordRecoveryEnabled = true;
  p.deviceEncryptionEnabled = false;
  p.attachmentsEnabled = true;
  p.maxAttachmentSize = PolicyLimit::empty();
  p.allowSimpleDevicePassword = false;
  p.devicePasswordExpiration = PolicyLimit{90};
  p.devicePasswordHistory = 3u;
  p.allowStorageCard = true;
  p.allowCamera = false;
  p.requireDeviceEncryption = true;
  p.minDevicePasswordComplexCharacters = 2u;
  p.allowBluetooth = 1u;
  p.maxCalendarAgeFilter = 5u;
  p.maxEmailAgeFilter = 3u;
  p.maxEmailBodyTruncationSize = -1;
  p.maxEmailHTMLBodyTruncationSize = 512;
  p.requireEncryptionSMIMEAlgorithm = 2u;
  p.allowSMIMEEncryptionAlgorithmNegotiation = 1u;
  p.unapprovedInROMApplicationList = std::vector<std::string>{"Solitaire"};
  p.approvedApplicationList = std::vector<std::string>{};
  return p;
}

}  // namespace

TEST_CASE("Provision requests match the dossier vectors byte for byte", "[eas][message]") {
  // Vector 7.4 (xml2wbxml -a -n): phase 1 with the 12.x policy type.
  const std::string v4 = fromHex(
      "03 01 6a 00 00 0e 45 46 47 48 03 4d 53 2d 45 41 53 2d 50 72 6f 76 69 73 69 6f 6e 69 6e "
      "67 2d 57 42 58 4d 4c 00 01 01 01 01");
  CHECK(toHex(encode(makeDownloadRequest(PolicyType::EasProvisioningWbxml))) == toHex(v4));
  // Vector 7.4b: phase 1 for 2.5.
  const std::string v4b = fromHex(
      "03 01 6a 00 00 0e 45 46 47 48 03 4d 53 2d 57 41 50 2d 50 72 6f 76 69 73 69 6f 6e 69 6e "
      "67 2d 58 4d 4c 00 01 01 01 01");
  CHECK(toHex(encode(makeDownloadRequest(policyTypeFor(ProtocolVersion::V2_5)))) == toHex(v4b));
  // Vector 7.7: acknowledgement of temporary key 1307199584 with Status 1.
  const std::string v7 = fromHex(
      "03 01 6a 00 00 0e 45 46 47 48 03 4d 53 2d 45 41 53 2d 50 72 6f 76 69 73 69 6f 6e 69 6e "
      "67 2d 57 42 58 4d 4c 00 01 49 03 31 33 30 37 31 39 39 35 38 34 00 01 4b 03 31 00 01 01 01 "
      "01");
  CHECK(toHex(encode(makeAcknowledgement(PolicyType::EasProvisioningWbxml, 1307199584u))) ==
        toHex(v7));
  // Vector 7.15: remote wipe acknowledgement.
  const std::string v15 = fromHex("03 01 6a 00 00 0e 45 4c 4b 03 31 00 01 01 01");
  CHECK(toHex(encode(makeRemoteWipeAcknowledgement(RemoteWipeStatus::Success))) == toHex(v15));

  auto download = decodeWbxml(v4, decodeProvisionRequest);
  REQUIRE(download.ok());
  CHECK(phaseOf(*download) == ProvisionPhase::Download);
  CHECK(download->policy->policyType == EasProvisioningWbxml);
  auto ack = decodeWbxml(v7, decodeProvisionRequest);
  REQUIRE(ack.ok());
  CHECK(phaseOf(*ack) == ProvisionPhase::Acknowledge);
  CHECK(ack->policy->policyKey == 1307199584u);
  CHECK(ack->policy->status == PolicyApplyStatus::Success);
  auto wipe = decodeWbxml(v15, decodeProvisionRequest);
  REQUIRE(wipe.ok());
  CHECK(phaseOf(*wipe) == ProvisionPhase::RemoteWipeAcknowledge);
  CHECK(wipe->remoteWipeStatus == RemoteWipeStatus::Success);
}

TEST_CASE("Provision 14.1 request with DeviceInformation", "[eas][message]") {
  // xml2wbxml -n -a of <Provision><settings:DeviceInformation><settings:Set>Model SimPPC, IMEI
  // 350000000000001, FriendlyName "Sim Device", OS "Windows CE 5.2", OSLanguage English,
  // PhoneNumber +15550100, UserAgent MSFT-PPC/5.2.5082, EnableOutboundSMS 0, MobileOperator
  // "Sim Mobile"</Set></DeviceInformation><Policies><Policy><PolicyType>MS-EAS-...
  const std::string expected = fromHex(
      "03 01 6a 00 00 0e 45 00 12 56 48 57 03 53 69 6d 50 50 43 00 01 58 03 33 35 30 30 30 30 30 "
      "30 30 30 30 30 30 30 31 00 01 59 03 53 69 6d 20 44 65 76 69 63 65 00 01 5a 03 57 69 6e 64 "
      "6f 77 73 20 43 45 20 35 2e 32 00 01 5b 03 45 6e 67 6c 69 73 68 00 01 5c 03 2b 31 35 35 35 "
      "30 31 30 30 00 01 60 03 4d 53 46 54 2d 50 50 43 2f 35 2e 32 2e 35 30 38 32 00 01 61 03 30 "
      "00 01 62 03 53 69 6d 20 4d 6f 62 69 6c 65 00 01 01 01 00 0e 46 47 48 03 4d 53 2d 45 41 53 "
      "2d 50 72 6f 76 69 73 69 6f 6e 69 6e 67 2d 57 42 58 4d 4c 00 01 01 01 01");
  ProvisionRequest r = makeDownloadRequest(PolicyType::EasProvisioningWbxml);
  r.deviceInformation =
      DeviceInformation{"SimPPC",    "350000000000001",   "Sim Device", "Windows CE 5.2", "English",
                        "+15550100", "MSFT-PPC/5.2.5082", false,        "Sim Mobile"};
  CHECK(toHex(encode(r)) == toHex(expected));
  auto back = decodeWbxml(expected, decodeProvisionRequest);
  REQUIRE(back.ok());
  REQUIRE(back->deviceInformation);
  const DeviceInformation& d = *back->deviceInformation;
  CHECK(d.model == "SimPPC");
  CHECK(d.imei == "350000000000001");
  CHECK(d.friendlyName == "Sim Device");
  CHECK(d.os == "Windows CE 5.2");
  CHECK(d.osLanguage == "English");
  CHECK(d.phoneNumber == "+15550100");
  CHECK(d.userAgent == "MSFT-PPC/5.2.5082");
  CHECK(d.enableOutboundSms == false);
  CHECK(d.mobileOperator == "Sim Mobile");
  CHECK(back->policy == r.policy);
}

TEST_CASE("Provision response vector 7.6 decodes to its policy", "[eas][message]") {
  const std::string v6 = fromHex(
      "03 01 6a 00 00 0e 45 4b 03 31 00 01 46 47 48 03 4d 53 2d 45 41 53 2d 50 72 6f 76 69 73 69 "
      "6f 6e 69 6e 67 2d 57 42 58 4d 4c 00 01 4b 03 31 00 01 49 03 31 33 30 37 31 39 39 35 38 34 "
      "00 01 4a 4d 4e 03 31 00 01 4f 03 30 00 01 54 03 34 00 01 55 03 39 30 30 00 01 56 03 38 00 "
      "01 58 03 31 00 01 53 03 31 00 01 01 01 01 01 01");
  auto r = decodeWbxml(v6, decodeProvisionResponse);
  REQUIRE(r.ok());
  CHECK(r->status == ProvisionStatus::Success);
  REQUIRE(r->policy);
  CHECK(r->policy->status == PolicyStatus::Success);
  CHECK(r->policy->policyKey == 1307199584u);
  REQUIRE(r->policy->data);
  PolicySet expected = pinPolicy();
  expected.allowSimpleDevicePassword = true;
  expected.attachmentsEnabled = true;
  CHECK(*r->policy->data == expected);
  CHECK_FALSE(r->remoteWipe);
}

TEST_CASE("Provision 12.1 response with every policy element, exact bytes", "[eas][message]") {
  // xml2wbxml -n -a of a 14.1-style phase 1 response: settings:DeviceInformation/Status 1,
  // Status 1, PolicyKey 3942919513 and an EASProvisionDoc with every 12.0/12.1 element in
  // Exchange's order (values as in fullPolicy() plus the 12.1 flags), <MaxAttachmentSize/>
  // empty, two ApplicationName entries and an empty <ApprovedApplicationList/>.
  const std::string expected = fromHex(
      "03 01 6a 00 00 0e 45 00 12 56 46 03 31 00 01 01 00 0e 4b 03 31 00 01 46 47 48 03 4d 53 2d "
      "45 41 53 2d 50 72 6f 76 69 73 69 6f 6e 69 6e 67 2d 57 42 58 4d 4c 00 01 4b 03 31 00 01 49 "
      "03 33 39 34 32 39 31 39 35 31 33 00 01 4a 4d 4e 03 31 00 01 4f 03 30 00 01 51 03 31 00 01 "
      "50 03 30 00 01 53 03 31 00 01 54 03 36 00 01 55 03 36 30 30 00 01 56 03 31 30 00 01 17 58 "
      "03 30 00 01 59 03 39 30 00 01 5a 03 33 00 01 5b 03 31 00 01 5c 03 30 00 01 5d 03 31 00 01 "
      "5e 03 30 00 01 5f 03 30 00 01 60 03 32 00 01 61 03 31 00 01 62 03 31 00 01 63 03 30 00 01 "
      "64 03 31 00 01 65 03 30 00 01 66 03 31 00 01 67 03 31 00 01 68 03 35 00 01 69 03 31 00 01 "
      "6a 03 33 00 01 6b 03 2d 31 00 01 6c 03 35 31 32 00 01 6d 03 30 00 01 6e 03 30 00 01 6f 03 "
      "30 00 01 70 03 32 00 01 71 03 31 00 01 72 03 31 00 01 73 03 31 00 01 74 03 30 00 01 75 03 "
      "30 00 01 76 03 30 00 01 77 78 03 53 6f 6c 69 74 61 69 72 65 00 01 78 03 49 6e 74 65 72 6e "
      "65 74 20 53 68 61 72 69 6e 67 00 01 01 39 01 01 01 01 01");
  auto r = decodeWbxml(expected, decodeProvisionResponse);
  REQUIRE(r.ok());
  CHECK(r->deviceInformationStatus == 1u);
  REQUIRE(r->policy);
  REQUIRE(r->policy->data);
  const PolicySet& p = *r->policy->data;
  CHECK(p.minDevicePasswordLength == PolicyLimit{6});
  CHECK(p.maxInactivityTimeDeviceLock == PolicyLimit{600});
  CHECK(p.maxDevicePasswordFailedAttempts == PolicyLimit{10});
  CHECK(p.maxAttachmentSize == PolicyLimit::empty());
  CHECK(p.devicePasswordExpiration == PolicyLimit{90});
  CHECK(p.devicePasswordHistory == 3u);
  CHECK(p.allowBluetooth == 1u);
  CHECK(p.maxEmailBodyTruncationSize == -1);
  CHECK(p.maxEmailHTMLBodyTruncationSize == 512);
  CHECK(p.requireEncryptionSMIMEAlgorithm == 2u);
  CHECK(p.allowInternetSharing == false);
  CHECK(p.unapprovedInROMApplicationList ==
        std::vector<std::string>{"Solitaire", "Internet Sharing"});
  CHECK(p.approvedApplicationList == std::vector<std::string>{});
  CHECK_FALSE(p.documentBrowseEnabled.has_value());
  // Re-encoding gives the same bytes: Exchange's element order, empty elements kept.
  CHECK(toHex(encode(*r)) == toHex(expected));
}

TEST_CASE("Provision two-phase exchange for EAS 12.1", "[eas][message]") {
  const ProtocolVersion v = ProtocolVersion::V12_1;
  // Device: phase 1.
  std::string wire = encode(makeDownloadRequest(policyTypeFor(v)));
  auto atServer = decodeWbxml(wire, decodeProvisionRequest);
  REQUIRE(atServer.ok());
  REQUIRE(phaseOf(*atServer) == ProvisionPhase::Download);
  auto type = parsePolicyType(atServer->policy->policyType);
  REQUIRE(type == PolicyType::EasProvisioningWbxml);
  // Server: policy with a temporary key.
  const uint32_t temporaryKey = 1307199584u;
  wire = encode(makePolicyResponse(v, temporaryKey, fullPolicy()));
  auto atDevice = decodeWbxml(wire, decodeProvisionResponse);
  REQUIRE(atDevice.ok());
  REQUIRE(atDevice->policy);
  CHECK(actionFor(atDevice->status) == ClientAction::None);
  CHECK(atDevice->policy->policyKey == temporaryKey);
  REQUIRE(atDevice->policy->data);
  CHECK(*atDevice->policy->data == fullPolicy());  // all of it survives for 12.1
  // Device: acknowledgement with the temporary key.
  wire = encode(makeAcknowledgement(*type, *atDevice->policy->policyKey));
  atServer = decodeWbxml(wire, decodeProvisionRequest);
  REQUIRE(atServer.ok());
  REQUIRE(phaseOf(*atServer) == ProvisionPhase::Acknowledge);
  CHECK(atServer->policy->policyKey == temporaryKey);
  CHECK(atServer->policy->status == PolicyApplyStatus::Success);
  // Server: the final key, exact bytes (xml2wbxml -n -a, PolicyKey 2189357713, no Data).
  const uint32_t finalKey = 2189357713u;
  wire = encode(makeAcknowledgementResponse(*type, PolicyStatus::Success, finalKey));
  CHECK(toHex(wire) ==
        toHex(fromHex("03 01 6a 00 00 0e 45 4b 03 31 00 01 46 47 48 03 4d 53 2d 45 41 53 2d 50 "
                      "72 6f 76 69 73 69 6f 6e 69 6e 67 2d 57 42 58 4d 4c 00 01 4b 03 31 00 01 "
                      "49 03 32 31 38 39 33 35 37 37 31 33 00 01 01 01 01")));
  atDevice = decodeWbxml(wire, decodeProvisionResponse);
  REQUIRE(atDevice.ok());
  CHECK(atDevice->policy->policyKey == finalKey);
  CHECK_FALSE(atDevice->policy->data.has_value());
}

TEST_CASE("Provision two-phase exchange for EAS 2.5 (wap-provisioningdoc)", "[eas][message]") {
  const ProtocolVersion v = ProtocolVersion::V2_5;
  std::string wire = encode(makeDownloadRequest(policyTypeFor(v)));
  auto atServer = decodeWbxml(wire, decodeProvisionRequest);
  REQUIRE(atServer.ok());
  REQUIRE(parsePolicyType(atServer->policy->policyType) == PolicyType::WapProvisioningXml);

  // The server offers the full set; a 2.5 client gets the WAP-expressible part only.
  ProvisionResponse response = makePolicyResponse(v, 2840108337u, fullPolicy());
  CHECK(response.policy->policyType == WapProvisioningXml);
  CHECK(*response.policy->data == pinPolicy());
  wire = encode(response);
  // xml2wbxml -n -a of the response with PolicyKey 2840108337; the Data text is ExchangeWap.
  const std::string expected =
      fromHex(
          "03 01 6a 00 00 0e 45 4b 03 31 00 01 46 47 48 03 4d 53 2d 57 41 50 2d 50 72 6f 76 "
          "69 73 69 6f 6e 69 6e 67 2d 58 4d 4c 00 01 4b 03 31 00 01 49 03 32 38 34 30 31 30 "
          "38 33 33 37 00 01 4a 03") +
      std::string(ExchangeWap) + fromHex("00 01 01 01 01");
  CHECK(toHex(wire) == toHex(expected));

  auto atDevice = decodeWbxml(wire, decodeProvisionResponse);
  REQUIRE(atDevice.ok());
  REQUIRE(atDevice->policy->data);
  CHECK(*atDevice->policy->data == pinPolicy());
  wire = encode(makeAcknowledgement(PolicyType::WapProvisioningXml, *atDevice->policy->policyKey,
                                    PolicyApplyStatus::PartialSuccess));
  atServer = decodeWbxml(wire, decodeProvisionRequest);
  REQUIRE(atServer.ok());
  CHECK(atServer->policy->policyKey == 2840108337u);
  CHECK(atServer->policy->status == PolicyApplyStatus::PartialSuccess);
  wire = encode(makeAcknowledgementResponse(PolicyType::WapProvisioningXml, PolicyStatus::Success,
                                            4000000000u));
  atDevice = decodeWbxml(wire, decodeProvisionResponse);
  REQUIRE(atDevice.ok());
  CHECK(atDevice->policy->policyType == WapProvisioningXml);
  CHECK(atDevice->policy->policyKey == 4000000000u);
}

TEST_CASE("Provision remote wipe: response and acknowledgement", "[eas][message]") {
  ProvisionResponse r;
  r.remoteWipe = true;
  // xml2wbxml -n -a of <Provision><Status>1</Status><RemoteWipe/></Provision>.
  const std::string expected = fromHex("03 01 6a 00 00 0e 45 4b 03 31 00 01 0c 01");
  CHECK(toHex(encode(r)) == toHex(expected));
  auto atDevice = decodeWbxml(expected, decodeProvisionResponse);
  REQUIRE(atDevice.ok());
  CHECK(atDevice->remoteWipe);
  CHECK_FALSE(atDevice->policy.has_value());

  auto ack = decodeWbxml(encode(makeRemoteWipeAcknowledgement(RemoteWipeStatus::Failure)),
                         decodeProvisionRequest);
  REQUIRE(ack.ok());
  CHECK(phaseOf(*ack) == ProvisionPhase::RemoteWipeAcknowledge);
  CHECK(ack->remoteWipeStatus == RemoteWipeStatus::Failure);
  CHECK_FALSE(ack->policy.has_value());
}

TEST_CASE("Provision policy sets are restricted to what the version knows", "[eas][message]") {
  PolicySet full = fullPolicy();
  PolicySet v120 = restrictTo(full, ProtocolVersion::V12_0);
  CHECK(v120.attachmentsEnabled == true);
  CHECK(v120.devicePasswordHistory == 3u);
  CHECK_FALSE(v120.allowStorageCard.has_value());
  CHECK_FALSE(v120.maxEmailBodyTruncationSize.has_value());
  CHECK_FALSE(v120.unapprovedInROMApplicationList.has_value());
  CHECK(restrictTo(full, ProtocolVersion::V12_1) == full);
  CHECK(restrictTo(full, ProtocolVersion::V16_1) == full);
  CHECK(restrictTo(full, ProtocolVersion::V2_5) == pinPolicy());
  // A 12.0 response carries no 12.1 element on the wire.
  auto r = decodeWbxml(encode(makePolicyResponse(ProtocolVersion::V12_0, 5u, full)),
                       decodeProvisionResponse);
  REQUIRE(r.ok());
  CHECK(*r->policy->data == v120);
}

TEST_CASE("Provision wap-provisioningdoc encoding follows Exchange's derivations",
          "[eas][message]") {
  CHECK(encodeWapProvisioningDoc(pinPolicy()) == ExchangeWap);
  // No password: only the SecurityPolicy characteristic.
  PolicySet off;
  off.devicePasswordEnabled = false;
  off.maxDevicePasswordFailedAttempts = PolicyLimit{8};
  CHECK(encodeWapProvisioningDoc(off) ==
        "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\"><parm name=\"4131\" "
        "value=\"1\"/><parm name=\"4133\" value=\"1\"/></characteristic></wap-provisioningdoc>");
  CHECK(encodeWapProvisioningDoc(PolicySet{}) == encodeWapProvisioningDoc(off));
  // Password without wipe, lock or length: 4133 = 1, no lock, threshold 0 / codeword -1,
  // minimum length 1; alphanumeric gives complexity 0; 61 s lock rounds up to 2 minutes.
  PolicySet bare;
  bare.devicePasswordEnabled = true;
  bare.alphanumericDevicePasswordRequired = true;
  std::string text = encodeWapProvisioningDoc(bare);
  CHECK(text.find("<parm name=\"4133\" value=\"1\"/>") != std::string::npos);
  CHECK(text.find("<parm name=\"AEFrequencyType\" value=\"0\"/>") != std::string::npos);
  CHECK(text.find("<parm name=\"DeviceWipeThreshold\" value=\"0\"/>") != std::string::npos);
  CHECK(text.find("<parm name=\"CodewordFrequency\" value=\"-1\"/>") != std::string::npos);
  CHECK(text.find("<parm name=\"MinimumPasswordLength\" value=\"1\"/>") != std::string::npos);
  CHECK(text.find("<parm name=\"PasswordComplexity\" value=\"0\"/>") != std::string::npos);
  auto back = decodeWapProvisioningDoc(text);
  REQUIRE(back.ok());
  CHECK(back->devicePasswordEnabled == true);
  CHECK(back->alphanumericDevicePasswordRequired == true);
  CHECK_FALSE(back->maxInactivityTimeDeviceLock.has_value());
  CHECK_FALSE(back->maxDevicePasswordFailedAttempts.has_value());
  bare.maxInactivityTimeDeviceLock = PolicyLimit{61};
  bare.maxDevicePasswordFailedAttempts = PolicyLimit{16};
  text = encodeWapProvisioningDoc(bare);
  CHECK(text.find("<parm name=\"AEFrequencyValue\" value=\"2\"/>") != std::string::npos);
  CHECK(text.find("<parm name=\"CodewordFrequency\" value=\"8\"/>") != std::string::npos);
  // 9999 seconds or more is "no limit": no inactivity lock.
  bare.maxInactivityTimeDeviceLock = PolicyLimit{9999};
  text = encodeWapProvisioningDoc(bare);
  CHECK(text.find("<parm name=\"AEFrequencyType\" value=\"0\"/>") != std::string::npos);
}

TEST_CASE("Provision wap-provisioningdoc decoding accepts the XML around the parms",
          "[eas][message]") {
  // Declaration, comments, white space, single quotes, character and entity references,
  // case-insensitive registry paths, unknown characteristics and parms (skipped).
  auto p = decodeWapProvisioningDoc(
      "<?xml version=\"1.0\"?>\n<!-- policy -->\n<wap-provisioningdoc version='1.1'>\n"
      "  <characteristic type='SecurityPolicy'><parm name='4131' value='&#48;'/>"
      "<parm name='4097' value='1'/></characteristic>\n"
      "  <characteristic type=\"Registry\">"
      "<characteristic type=\"hklm\\comm\\security\\policy\\lassd\\lap\\lap_pw\">"
      "<parm name=\"MinimumPasswordLength\" value=\"18\"></parm></characteristic>"
      "<characteristic type=\"HKLM\\Other &amp; more\"><parm name=\"X\" value=\"y\"/>"
      "</characteristic><characteristic type=\"Empty\"/></characteristic>\n"
      "</wap-provisioningdoc>\n<!-- end -->\n");
  REQUIRE(p.ok());
  CHECK(p->devicePasswordEnabled == true);
  CHECK(p->minDevicePasswordLength == PolicyLimit{18});  // E2003 SP2 allowed up to 18
  // The Z-Push / Exchange "no policy" document.
  auto none = decodeWapProvisioningDoc(
      "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\"><parm name=\"4131\" "
      "value=\"1\"/><parm name=\"4133\" value=\"1\"/></characteristic></wap-provisioningdoc>");
  REQUIRE(none.ok());
  PolicySet expected;
  expected.devicePasswordEnabled = false;
  CHECK(*none == expected);
  // An empty root is an empty policy.
  auto empty = decodeWapProvisioningDoc("<wap-provisioningdoc/>");
  REQUIRE(empty.ok());
  CHECK(*empty == PolicySet{});
}

TEST_CASE("Provision wap-provisioningdoc errors", "[eas][message]") {
  const std::string sp = "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\">";
  const std::string end = "</characteristic></wap-provisioningdoc>";
  const std::string lap =
      "<wap-provisioningdoc><characteristic type=\"Registry\"><characteristic "
      "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw\">";
  const std::string lapEnd = "</characteristic></characteristic></wap-provisioningdoc>";
  const std::string lassd =
      "<wap-provisioningdoc><characteristic type=\"Registry\"><characteristic "
      "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\">";
  const std::string ae =
      "<wap-provisioningdoc><characteristic type=\"Registry\"><characteristic "
      "type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}\">";

  SECTION("malformed XML") {
    CHECK(wapError("") == ErrorCode::XmlSyntax);
    CHECK(wapError("   ") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"a\"></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc>text</wap-provisioningdoc>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=a/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"a/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"a<\"/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"&foo;\"/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"&#0;\"/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"&amp\"/></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><characteristic type=\"a\" type=\"b\"/>"
                   "</wap-provisioningdoc>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc></wap-provisioningdoc><x/>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc/>trailing") == ErrorCode::XmlSyntax);
    CHECK(wapError("<!DOCTYPE x><wap-provisioningdoc/>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><![CDATA[x]]></wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><?pi x?></wap-provisioningdoc>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc><!-- open </wap-provisioningdoc>") ==
          ErrorCode::XmlSyntax);
    CHECK(wapError("<?xml version=\"1.0\"") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc></ wap-provisioningdoc>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc></wap-provisioningdoc x>") == ErrorCode::XmlSyntax);
    CHECK(wapError("<wap-provisioningdoc") == ErrorCode::XmlSyntax);
    // The offset names the byte where it went wrong.
    auto r = decodeWapProvisioningDoc("<wap-provisioningdoc>  oops</wap-provisioningdoc>");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == 23);
  }
  SECTION("elements that do not belong") {
    CHECK(wapError("<provisioningdoc/>") == ErrorCode::UnexpectedElement);
    CHECK(wapError("</wap-provisioningdoc>") == ErrorCode::UnexpectedElement);
    CHECK(wapError("<wap-provisioningdoc><noparm name=\"1\"/></wap-provisioningdoc>") ==
          ErrorCode::UnexpectedElement);
    CHECK(
        wapError("<wap-provisioningdoc><parm name=\"4131\" value=\"0\"/></wap-provisioningdoc>") ==
        ErrorCode::UnexpectedElement);
    CHECK(wapError(sp + "<parm name=\"4131\" value=\"0\"><parm name=\"x\"/></parm>" + end) ==
          ErrorCode::UnexpectedElement);
    std::string deep = "<wap-provisioningdoc>";
    for (int i = 0; i < 20; ++i) {
      deep += "<characteristic type=\"a\">";
    }
    CHECK(wapError(deep) == ErrorCode::TooDeep);
  }
  SECTION("missing attributes") {
    CHECK(wapError("<wap-provisioningdoc><characteristic/></wap-provisioningdoc>") ==
          ErrorCode::MissingElement);
    CHECK(wapError(sp + "<parm value=\"0\"/>" + end) == ErrorCode::MissingElement);
  }
  SECTION("values that are not numbers or out of range") {
    CHECK(wapError(sp + "<parm name=\"4131\"/>" + end) == ErrorCode::BadValue);
    CHECK(wapError(sp + "<parm name=\"4131\" value=\"yes\"/>" + end) == ErrorCode::BadValue);
    CHECK(wapError(sp + "<parm name=\"4131\" value=\"2\"/>" + end) == ErrorCode::BadValue);
    CHECK(wapError(sp + "<parm name=\"4133\" value=\"-1\"/>" + end) == ErrorCode::BadValue);
    CHECK(wapError(sp + "<parm name=\"4131\" value=\"0\"/><parm name=\"4131\" value=\"0\"/>" +
                   end) == ErrorCode::BadValue);
    CHECK(wapError(lap + "<parm name=\"MinimumPasswordLength\" value=\"19\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(lap + "<parm name=\"MinimumPasswordLength\" value=\"0\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(lap + "<parm name=\"PasswordComplexity\" value=\"3\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(lassd + "<parm name=\"DeviceWipeThreshold\" value=\"17\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(lassd + "<parm name=\"CodewordFrequency\" value=\"-2\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(ae + "<parm name=\"AEFrequencyType\" value=\"2\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(ae + "<parm name=\"AEFrequencyValue\" value=\"10000\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    // Type 1 needs a value of at least one minute.
    CHECK(wapError(ae + "<parm name=\"AEFrequencyType\" value=\"1\"/>" + lapEnd) ==
          ErrorCode::BadValue);
    CHECK(wapError(ae +
                   "<parm name=\"AEFrequencyType\" value=\"1\"/><parm "
                   "name=\"AEFrequencyValue\" value=\"0\"/>" +
                   lapEnd) == ErrorCode::BadValue);
  }
  SECTION("a malformed document inside a response is reported at the Data element") {
    Document doc = responseWithWap("<wap-provisioningdoc><characteristic>");
    auto r = decodeProvisionResponse(doc);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::MissingElement);
    CHECK(r.error().detail.find("Provision:Data byte 21") != std::string::npos);
    CHECK(responseError(responseWithWap("")) == ErrorCode::XmlSyntax);
    // Element content where the text is expected.
    Document withChild = build([](WbxmlWriter& w) {
      w.start(P::Provision);
      w.element(P::Status, "1");
      w.start(P::Policies);
      w.start(P::Policy);
      w.element(P::PolicyType, WapProvisioningXml);
      w.element(P::Status, "1");
      w.start(P::Data);
      w.start(P::EASProvisionDoc);
      w.end();
      w.end();
      w.end();
      w.end();
      w.end();
    });
    CHECK(responseError(withChild) == ErrorCode::UnexpectedElement);
  }
}

TEST_CASE("Provision EASProvisionDoc value errors", "[eas][message]") {
  auto one = [](Tag t, std::string_view value) {
    return responseError(responseWithDoc([&](WbxmlWriter& w) { w.element(t, value); }));
  };
  CHECK(one(P::DevicePasswordEnabled, "2") == ErrorCode::BadValue);
  CHECK(one(P::DevicePasswordEnabled, "true") == ErrorCode::BadValue);
  CHECK(one(P::AllowWiFi, "") == ErrorCode::BadValue);
  CHECK(one(P::MinDevicePasswordLength, "0") == ErrorCode::BadValue);
  CHECK(one(P::MinDevicePasswordLength, "17") == ErrorCode::BadValue);
  CHECK(one(P::MinDevicePasswordLength, "four") == ErrorCode::BadValue);
  CHECK(one(P::MaxDevicePasswordFailedAttempts, "3") == ErrorCode::BadValue);
  CHECK(one(P::MaxDevicePasswordFailedAttempts, "17") == ErrorCode::BadValue);
  CHECK(one(P::MaxInactivityTimeDeviceLock, "4294967296") == ErrorCode::BadValue);
  CHECK(one(P::MaxAttachmentSize, "-1") == ErrorCode::BadValue);
  CHECK(one(P::DevicePasswordHistory, "") == ErrorCode::BadValue);
  CHECK(one(P::MinDevicePasswordComplexCharacters, "0") == ErrorCode::BadValue);
  CHECK(one(P::MinDevicePasswordComplexCharacters, "5") == ErrorCode::BadValue);
  CHECK(one(P::AllowBluetooth, "3") == ErrorCode::BadValue);
  CHECK(one(P::MaxCalendarAgeFilter, "1") == ErrorCode::BadValue);
  CHECK(one(P::MaxCalendarAgeFilter, "8") == ErrorCode::BadValue);
  CHECK(one(P::MaxEmailAgeFilter, "6") == ErrorCode::BadValue);
  CHECK(one(P::MaxEmailBodyTruncationSize, "-2") == ErrorCode::BadValue);
  CHECK(one(P::MaxEmailHTMLBodyTruncationSize, "2147483648") == ErrorCode::BadValue);
  CHECK(one(P::MaxEmailHTMLBodyTruncationSize, "-") == ErrorCode::BadValue);
  CHECK(one(P::RequireSignedSMIMEAlgorithm, "2") == ErrorCode::BadValue);
  CHECK(one(P::RequireEncryptionSMIMEAlgorithm, "5") == ErrorCode::BadValue);
  CHECK(one(P::AllowSMIMEEncryptionAlgorithmNegotiation, "3") == ErrorCode::BadValue);
  CHECK(one(P::ApprovedApplicationList, "text") == ErrorCode::BadValue);
  // Accepted boundary values.
  auto ok = [](Tag t, std::string_view value) {
    return decodeProvisionResponse(responseWithDoc([&](WbxmlWriter& w) { w.element(t, value); }))
        .ok();
  };
  CHECK(ok(P::MinDevicePasswordLength, "16"));
  CHECK(ok(P::MaxDevicePasswordFailedAttempts, "4"));
  CHECK(ok(P::MaxCalendarAgeFilter, "0"));
  CHECK(ok(P::MaxCalendarAgeFilter, "7"));
  CHECK(ok(P::MaxEmailHTMLBodyTruncationSize, "2147483647"));
  CHECK(ok(P::MinDevicePasswordLength, ""));  // unsignedByteOrEmpty

  // Repeated, foreign and misplaced elements.
  CHECK(responseError(responseWithDoc([](WbxmlWriter& w) {
          w.element(P::AllowCamera, "1");
          w.element(P::AllowCamera, "1");
        })) == ErrorCode::BadValue);
  CHECK(responseError(responseWithDoc([](WbxmlWriter& w) { w.element(P::PolicyKey, "1"); })) ==
        ErrorCode::UnexpectedElement);
  CHECK(responseError(responseWithDoc([](WbxmlWriter& w) {
          w.start(P::ApprovedApplicationList);
          w.element(P::ApplicationName, "x");
          w.end();
        })) == ErrorCode::UnexpectedElement);
  CHECK(responseError(responseWithDoc([](WbxmlWriter& w) { w.text("loose"); })) ==
        ErrorCode::BadValue);
  // decodeEasProvisionDoc on its own.
  Document doc = build([](WbxmlWriter& w) {
    w.start(P::EASProvisionDoc);
    w.element(P::AllowBrowser, "0");
    w.end();
  });
  auto set = decodeEasProvisionDoc(doc.root());
  REQUIRE(set.ok());
  CHECK(set->allowBrowser == false);
}

TEST_CASE("Provision request errors", "[eas][message]") {
  SECTION("missing PolicyType") {
    CHECK(requestError(requestWithPolicy([](WbxmlWriter&) {})) == ErrorCode::MissingElement);
  }
  SECTION("PolicyKey not a number") {
    auto policy = [](std::string_view key) {
      return requestWithPolicy([key](WbxmlWriter& w) {
        w.element(P::PolicyType, EasProvisioningWbxml);
        w.element(P::PolicyKey, key);
        w.element(P::Status, "1");
      });
    };
    CHECK(requestError(policy("abc")) == ErrorCode::BadValue);
    CHECK(requestError(policy("-1")) == ErrorCode::BadValue);
    CHECK(requestError(policy("4294967296")) == ErrorCode::BadValue);
    CHECK(requestError(policy("")) == ErrorCode::BadValue);
    auto r = decodeProvisionRequest(policy("4294967295"));
    REQUIRE(r.ok());
    CHECK(r->policy->policyKey == 4294967295u);
  }
  SECTION("acknowledgement halves and status range") {
    CHECK(requestError(requestWithPolicy([](WbxmlWriter& w) {
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.element(P::PolicyKey, "5");
          })) == ErrorCode::MissingElement);
    CHECK(requestError(requestWithPolicy([](WbxmlWriter& w) {
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.element(P::Status, "1");
          })) == ErrorCode::MissingElement);
    CHECK(requestError(requestWithPolicy([](WbxmlWriter& w) {
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.element(P::PolicyKey, "5");
            w.element(P::Status, "5");
          })) == ErrorCode::BadValue);
    CHECK(requestError(requestWithPolicy([](WbxmlWriter& w) {
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.element(P::PolicyType, EasProvisioningWbxml);
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(requestWithPolicy([](WbxmlWriter& w) {
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.element(P::Data, "x");
          })) == ErrorCode::UnexpectedElement);
  }
  SECTION("an unknown policy type is kept for the server to answer Status 3") {
    auto r = decodeProvisionRequest(
        requestWithPolicy([](WbxmlWriter& w) { w.element(P::PolicyType, "MS-Unknown-Policy"); }));
    REQUIRE(r.ok());
    CHECK_FALSE(parsePolicyType(r->policy->policyType).has_value());
    CHECK(actionFor(PolicyStatus::UnknownPolicyType) == ClientAction::FixRequest);
  }
  SECTION("structure") {
    CHECK(requestError(build([](WbxmlWriter& w) { w.empty(P::Provision); })) ==
          ErrorCode::MissingElement);
    CHECK(requestError(build([](WbxmlWriter& w) { w.empty(P::Policies); })) ==
          ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.empty(P::Policies);
            w.end();
          })) == ErrorCode::MissingElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.start(P::Policies);
            w.start(P::Policy);
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.end();
            w.start(P::Policy);
            w.element(P::PolicyType, EasProvisioningWbxml);
            w.end();
            w.end();
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.element(P::Status, "1");
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.empty(P::RemoteWipe);
            w.end();
          })) == ErrorCode::MissingElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.start(P::RemoteWipe);
            w.element(P::Status, "3");
            w.end();
            w.end();
          })) == ErrorCode::BadValue);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.empty(Se::DeviceInformation);
            w.start(P::RemoteWipe);
            w.element(P::Status, "1");
            w.end();
            w.end();
          })) == ErrorCode::MissingElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(P::Provision);
            w.start(Se::DeviceInformation);
            w.start(Se::Set);
            w.element(Se::EnableOutboundSMS, "maybe");
            w.end();
            w.end();
            w.start(P::RemoteWipe);
            w.element(P::Status, "1");
            w.end();
            w.end();
          })) == ErrorCode::BadValue);
  }
}

TEST_CASE("Provision response errors", "[eas][message]") {
  auto response = [](const std::function<void(WbxmlWriter&)>& policy, std::string_view status) {
    return build([&](WbxmlWriter& w) {
      w.start(P::Provision);
      w.element(P::Status, status);
      w.start(P::Policies);
      w.start(P::Policy);
      policy(w);
      w.end();
      w.end();
      w.end();
    });
  };
  auto typed = [](std::string_view status) {
    return [status](WbxmlWriter& w) {
      w.element(P::PolicyType, EasProvisioningWbxml);
      w.element(P::Status, status);
    };
  };
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(P::Provision);
          w.empty(P::RemoteWipe);
          w.end();
        })) == ErrorCode::MissingElement);
  CHECK(responseError(response(typed("1"), "4")) == ErrorCode::BadValue);
  CHECK(responseError(response(typed("1"), "x")) == ErrorCode::BadValue);
  CHECK(responseError(response(typed("6"), "1")) == ErrorCode::BadValue);
  CHECK(responseError(response(typed("0"), "1")) == ErrorCode::BadValue);
  CHECK(responseError(response([](WbxmlWriter& w) { w.element(P::Status, "1"); }, "1")) ==
        ErrorCode::MissingElement);
  CHECK(responseError(response([](WbxmlWriter& w) { w.element(P::PolicyType, "x"); }, "1")) ==
        ErrorCode::MissingElement);
  CHECK(responseError(response(
            [&typed](WbxmlWriter& w) {
              typed("1")(w);
              w.element(P::PolicyKey, "12a");
            },
            "1")) == ErrorCode::BadValue);
  // Data of an unknown policy type cannot be interpreted.
  CHECK(responseError(response(
            [](WbxmlWriter& w) {
              w.element(P::PolicyType, "MS-Unknown-Policy");
              w.element(P::Status, "1");
              w.element(P::Data, "<x/>");
            },
            "1")) == ErrorCode::BadValue);
  // EAS Data without EASProvisionDoc.
  CHECK(responseError(response(
            [&typed](WbxmlWriter& w) {
              typed("1")(w);
              w.empty(P::Data);
            },
            "1")) == ErrorCode::MissingElement);
  // RemoteWipe with content.
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(P::Provision);
          w.element(P::Status, "1");
          w.element(P::RemoteWipe, "1");
          w.end();
        })) == ErrorCode::BadValue);
  // Settings:DeviceInformation without its Status.
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(P::Provision);
          w.empty(Se::DeviceInformation);
          w.element(P::Status, "1");
          w.end();
        })) == ErrorCode::MissingElement);

  // Accepted: the echo of an unknown type with Status 3, and a common status (141).
  auto unknown = decodeProvisionResponse(response(
      [](WbxmlWriter& w) {
        w.element(P::PolicyType, "MS-Unknown-Policy");
        w.element(P::Status, "3");
      },
      "1"));
  REQUIRE(unknown.ok());
  CHECK(unknown->policy->status == PolicyStatus::UnknownPolicyType);
  auto common = decodeProvisionResponse(build([](WbxmlWriter& w) {
    w.start(P::Provision);
    w.element(P::Status, "141");
    w.end();
  }));
  REQUIRE(common.ok());
  CHECK(asCommon(common->status) == CommonStatus::LegacyDeviceOnStrictPolicy);
  CHECK(describe(common->status) == describe(CommonStatus::LegacyDeviceOnStrictPolicy));
  CHECK(actionFor(common->status) == actionFor(CommonStatus::LegacyDeviceOnStrictPolicy));
  // Policy types.
  CHECK(toString(PolicyType::WapProvisioningXml) == "MS-WAP-Provisioning-XML");
  CHECK(toString(PolicyType::EasProvisioningWbxml) == "MS-EAS-Provisioning-WBXML");
  CHECK_FALSE(parsePolicyType("ms-eas-provisioning-wbxml").has_value());
  CHECK(policyTypeFor(ProtocolVersion::V12_0) == PolicyType::EasProvisioningWbxml);
}

TEST_CASE("Provision statuses all have a description and an action", "[eas][message]") {
  for (uint32_t v = 0; v <= 255; ++v) {
    if (isProvisionStatus(v)) {
      auto s = static_cast<ProvisionStatus>(v);
      CHECK(describe(s) != "unknown status");
      CHECK_FALSE(describe(s).empty());
    }
    if (isPolicyStatus(v)) {
      auto s = static_cast<PolicyStatus>(v);
      CHECK(describe(s) != "unknown status");
      CHECK_FALSE(describe(s).empty());
    }
    if (isPolicyApplyStatus(v)) {
      auto s = static_cast<PolicyApplyStatus>(v);
      CHECK(describe(s) != "unknown status");
      CHECK(serverAction(s) != "refuse the acknowledgement");
    }
    if (isRemoteWipeStatus(v)) {
      auto s = static_cast<RemoteWipeStatus>(v);
      CHECK(describe(s) != "unknown status");
      CHECK(serverAction(s) != "keep the wipe pending");
    }
  }
  CHECK(actionFor(ProvisionStatus::Success) == ClientAction::None);
  CHECK(actionFor(ProvisionStatus::ProtocolError) == ClientAction::FixRequest);
  CHECK(actionFor(ProvisionStatus::ServerError) == ClientAction::RetryLater);
  CHECK(actionFor(PolicyStatus::Success) == ClientAction::None);
  CHECK(actionFor(PolicyStatus::NoPolicy) == ClientAction::None);
  CHECK(actionFor(PolicyStatus::CorruptPolicy) == ClientAction::GiveUp);
  CHECK(actionFor(PolicyStatus::WrongPolicyKey) == ClientAction::Provision);
  // Values outside every table.
  CHECK(describe(static_cast<ProvisionStatus>(9)) == "unknown status");
  CHECK(actionFor(static_cast<ProvisionStatus>(9)) == ClientAction::GiveUp);
  CHECK(describe(static_cast<PolicyStatus>(9)) == "unknown status");
  CHECK(actionFor(static_cast<PolicyStatus>(9)) == ClientAction::GiveUp);
  CHECK(describe(static_cast<PolicyApplyStatus>(9)) == "unknown status");
  CHECK(serverAction(static_cast<PolicyApplyStatus>(9)) == "refuse the acknowledgement");
  CHECK(describe(static_cast<RemoteWipeStatus>(9)) == "unknown status");
  CHECK(serverAction(static_cast<RemoteWipeStatus>(9)) == "keep the wipe pending");
}
