package isptool.backends.bench.adb;

/**
 * A device or adb failure: the device dropped off, is unauthorized or offline, a push failed, the
 * device is out of space, a remote command timed out. One line naming the device and what happened,
 * and what to do; {@code bench} reports it with exit status 4.
 */
public class DeviceException extends RuntimeException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
