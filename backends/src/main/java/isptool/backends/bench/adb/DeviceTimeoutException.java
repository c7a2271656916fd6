package isptool.backends.bench.adb;

/** A remote command outlived its timeout; adb was stopped (and, by a run folder, the process too). */
public class DeviceTimeoutException extends DeviceException {
    public DeviceTimeoutException(String message) {
        super(message);
    }
}
