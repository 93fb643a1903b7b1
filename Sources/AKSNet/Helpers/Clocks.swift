#if canImport(Glibc)
import Glibc
#endif

/// A monotonic clock in seconds (deadlines that wall-clock changes cannot move).
public enum Monotonic {
    public static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Seconds since the epoch (ages of API objects).
public enum WallClock {
    public static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
