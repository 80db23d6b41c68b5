// Unit tests of the small pieces: SyncKey text form, address lists, truncation helpers.
#include <catch2/catch.hpp>

#include "mapi-sim/handlers/item_render.h"
#include "mapi-sim/handlers/mime_extras.h"
#include "mapi-sim/state/sync_key.h"

namespace mapisim::test {

TEST_CASE("SyncKey: fresh keys differ, text round-trips, foreign text is refused",
          "[mapi-sim][handlers]") {
  SyncKey a = SyncKey::fresh();
  SyncKey b = SyncKey::fresh();
  CHECK(a.uuid != b.uuid);
  CHECK(a.counter == 1);
  CHECK(a.text().size() <= 64);
  auto parsed = SyncKey::parse(a.next().text());
  REQUIRE(parsed);
  CHECK(*parsed == a.next());
  CHECK(parsed->counter == 2);
  for (const char* bad :
       {"0", "1", "", "{}", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
        "{6f9619ff-8b86-d011-b42d-00c04fc964ff}0", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}01",
        "{6F9619FF-8B86-D011-B42D-00C04FC964FF}1", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}1x"}) {
    INFO(bad);
    CHECK_FALSE(SyncKey::parse(bad));
  }
}

TEST_CASE("parseAddressList finds the addresses of a header", "[mapi-sim][handlers]") {
  CHECK(parseAddressList("Ann <ann@x.test>, bob@y.test, \"Doe, J\" <j@z.test>") ==
        std::vector<std::string>{"ann@x.test", "bob@y.test", "j@z.test"});
  CHECK(parseAddressList("team: a@x.test, b@x.test; c@x.test (comment)") ==
        std::vector<std::string>{"a@x.test", "b@x.test", "c@x.test"});
  CHECK(parseAddressList("undisclosed-recipients:;").empty());
  CHECK(hasHeaderBlock("Subject: x\r\n\r\nbody"));
  CHECK_FALSE(hasHeaderBlock("just text: with a colon later"));
}

TEST_CASE("Truncation tables and UTF-8 safe cuts", "[mapi-sim][handlers]") {
  CHECK(truncationBytes(0) == 0u);
  CHECK(truncationBytes(1) == 512u);
  CHECK(truncationBytes(8) == 102400u);
  CHECK_FALSE(truncationBytes(9));
  CHECK_FALSE(truncationBytes(std::nullopt));
  CHECK(mimeTruncationBytes(1) == 4096u);
  CHECK(mimeTruncationBytes(7) == 102400u);
  CHECK_FALSE(mimeTruncationBytes(8));
  // "é" is two bytes: a cut inside it backs off to before it.
  CHECK(truncateUtf8("ab\xc3\xa9", 3) == "ab");
  CHECK(truncateUtf8("ab\xc3\xa9", 4) == "ab\xc3\xa9");
  auto ref = parseFileReference(fileReference("5:12", 3));
  REQUIRE(ref);
  CHECK(ref->first == "5:12");
  CHECK(ref->second == 3u);
  CHECK_FALSE(parseFileReference("nocolon"));
}

}  // namespace mapisim::test
