package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code adb devices -l} in every state adb prints (BENCH.md §2; adb's transport.cpp). */
class AttachedDeviceTest {
    @Test
    void parsesEveryStateIncludingNoPermissionsWithBlanks() {
        String listed = """
                * daemon not running; starting now at tcp:5037
                * daemon started successfully
                List of devices attached
                127.0.0.1:40123        device product:standin_arm64 model:StandIn_9 device:standin transport_id:1
                R5CT1234ABC            unauthorized usb:1-1 transport_id:2
                emulator-5554          offline transport_id:3
                0123456789ABCDEF       no permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html] usb:3-2 transport_id:4

                """;
        List<AttachedDevice> devices = AttachedDevice.parseList(listed);
        assertEquals(4, devices.size());

        AttachedDevice ready = devices.get(0);
        assertEquals("127.0.0.1:40123", ready.serial());
        assertTrue(ready.ready());
        assertEquals("StandIn_9", ready.model());
        assertEquals("standin_arm64", ready.properties().get("product"));

        assertEquals("unauthorized", devices.get(1).state());
        assertFalse(devices.get(1).ready());
        assertEquals("", devices.get(1).model());
        assertEquals("offline", devices.get(2).state());

        AttachedDevice noPermissions = devices.get(3);
        assertEquals("0123456789ABCDEF", noPermissions.serial());
        assertEquals("no permissions", noPermissions.state());
        assertEquals("(user in plugdev group; are your udev rules wrong?)", noPermissions.detail());
        assertEquals("3-2", noPermissions.properties().get("usb"));
    }

    @Test
    void plainDevicesListWithTabsParsesToo() {
        List<AttachedDevice> devices = AttachedDevice.parseList("List of devices attached\nABC\tdevice\nXYZ\toffline\n");
        assertEquals(List.of("ABC", "XYZ"), devices.stream().map(AttachedDevice::serial).toList());
        assertEquals("offline", devices.get(1).state());
    }

    @Test
    void eachBadStateSaysWhatToDo() {
        assertEquals("device 'R5CT' is unauthorized: unlock it and accept the 'Allow USB debugging' dialog, then run again",
                AdbClient.notReady("R5CT", "unauthorized", ""));
        assertTrue(AdbClient.notReady("E", "offline", "").contains("'adb reconnect'"));
        assertTrue(AdbClient.notReady("F", "no permissions", "(user in plugdev group)").contains("udev rule"));
        assertEquals(AdbClient.notFound("X"), AdbClient.explain("X", "error: device 'X' not found"));
        assertEquals(AdbClient.notReady("X", "offline", ""), AdbClient.explain("X", "error: device offline"));
    }
}
