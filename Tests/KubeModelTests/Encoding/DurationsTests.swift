import KubeModel
import Testing

struct DurationsTests {
    @Test(arguments: [
        ("30s", 30.0), ("5m", 300), ("1h30m", 5400), ("300ms", 0.3), ("1.5s", 1.5), ("0s", 0),
        ("2562047h", 9_223_369_200), ("9223372036s", 9_223_372_036),
    ])
    func takesGoDurations(text: String, seconds: Double) {
        #expect(Durations.parse(text) == seconds)
    }

    /// Nothing here may trap; each is refused (nil).
    @Test(arguments: [
        "", "inf", "infs", "nan", "nans", "-0", "-0s", "-1s", "1e400s", "1e30", "1e30s", "9223372037s", "2562048h",
        "99999999999999999999h", String(repeating: "9", count: 400) + "s", "s", "h", "ms", ".s", "٣s", "５s", "½s",
        " 5s", "5s ", "5 s", "\t5s", "5", "5x", "0x10s", "+5s", "1.5.5s",
    ])
    func refusesWhatIsNotABoundedDuration(text: String) {
        #expect(Durations.parse(text) == nil, "\(text.debugDescription)")
    }

    @Test func sumsPastTheBoundAreRefused() {
        #expect(Durations.parse("2562047h2562047h") == nil)
        #expect(Durations.parse(String(repeating: "2000000000s", count: 5)) == nil)
    }

    @Test(arguments: [
        (5.0, "5s"), (119.9, "119s"), (180, "3m"), (7200, "2h"), (172_800, "2d"),
        (-5, "0s"), (.nan, "0s"), (.infinity, "106751d"), (1e300, "106751d"), (-.infinity, "0s"),
    ])
    func shortAgeNeverTraps(seconds: Double, shown: String) {
        #expect(Durations.shortAge(seconds) == shown)
    }

    @Test(arguments: [
        (0.0, 0), (-0.0, 0), (1.9, 1), (-1.9, -1), (.nan, 0), (.infinity, .max), (-.infinity, .min),
        (9.223372036854775807e18, .max), (-9.223372036854775808e18, .min),
    ])
    func saturatingConversion(value: Double, whole: Int) {
        #expect(Int(saturating: value) == whole)
    }

    @Test func wholeSecondsStaysInGoRange() {
        #expect(Durations.wholeSeconds(.infinity) == 9_223_372_036)
        #expect(Durations.wholeSeconds(-3) == 0)
        #expect(Durations.wholeSeconds(.nan) == 0)
        #expect(Durations.wholeSeconds(90.7) == 90)
    }
}
