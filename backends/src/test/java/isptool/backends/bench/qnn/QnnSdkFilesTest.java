package isptool.backends.bench.qnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.bench.adb.StandInQnnSdk;
import isptool.graph.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of --qnn-sdk DIR a run pushes, which HTP version a SoC has, and the inputs written. */
class QnnSdkFilesTest {
    @TempDir
    Path dir;

    private static List<String> names(List<QnnSdkFiles.Staged> staged) {
        return staged.stream().map(s -> s.name() + " " + Integer.toOctalString(s.mode())).toList();
    }

    @Test
    void aContextBinaryRunsWithTheDevicesStubAndSkel() throws Exception {
        Path sdk = StandInQnnSdk.create(dir.resolve("sdk"), "acnet", "v73", true, "");
        QnnSdkFiles files = QnnSdkFiles.find(sdk, "acnet");
        assertTrue(files.context());
        assertEquals(List.of("qnn-net-run 755", "qnn-profile-viewer 755", "libQnnHtp.so 644", "libQnnSystem.so 644",
                "libQnnHtpV73Stub.so 644", "libQnnHtpV73Skel.so 644", "acnet.serialized.bin 644"), names(files.staged("v73")));
        assertTrue(files.staged("v73").get(5).local().toString().contains("hexagon-v73"));
        ModelException e = assertThrows(ModelException.class, () -> files.staged("v75"));
        assertEquals(sdk + ": no libQnnHtpV75Stub.so; copy it from the QNN SDK (lib/aarch64-android) into --qnn-sdk",
                e.getMessage());
    }

    @Test
    void aModelLibraryAddsThePrepareLibraryAndIsTheAndroidBuild() throws Exception {
        Path sdk = StandInQnnSdk.create(dir.resolve("sdk"), "acnet", "v69", false, "");
        QnnSdkFiles files = QnnSdkFiles.find(sdk, "acnet");
        assertFalse(files.context());
        assertTrue(files.model().toString().contains("aarch64-android"), files.model().toString());
        assertEquals(List.of("qnn-net-run 755", "qnn-profile-viewer 755", "libQnnHtp.so 644", "libQnnSystem.so 644",
                "libQnnHtpV69Stub.so 644", "libQnnHtpPrepare.so 644", "libQnnHtpV69Skel.so 644", "libacnet.so 644"),
                names(files.staged("v69")));
    }

    @Test
    void missingFilesAreOneLineNamingThem() throws Exception {
        Path sdk = StandInQnnSdk.create(dir.resolve("sdk"), "acnet", "v73", true, "");
        Files.delete(sdk.resolve("bin/aarch64-android/qnn-profile-viewer"));
        assertEquals(sdk + ": no qnn-profile-viewer; copy it from the QNN SDK (bin/aarch64-android) into --qnn-sdk",
                assertThrows(ModelException.class, () -> QnnSdkFiles.find(sdk, "acnet")).getMessage());
        Files.delete(sdk.resolve("acnet.serialized.bin"));
        assertTrue(assertThrows(ModelException.class, () -> QnnSdkFiles.find(sdk, "acnet")).getMessage()
                .startsWith(sdk + ": no built model of acnet: put there a context binary (acnet.serialized.bin"));
    }

    @Test
    void convertsWeightsTarIsNoContextBinary() throws Exception {
        Path sdk = StandInQnnSdk.create(dir.resolve("sdk"), "acnet", "v73", false, "");
        byte[] tar = new byte[1024];
        System.arraycopy("ustar".getBytes(), 0, tar, 257, 5);
        Files.write(sdk.resolve("acnet.bin"), tar);
        assertFalse(QnnSdkFiles.find(sdk, "acnet").context(), "acnet.bin is the weights tar: the library is used");
        Files.writeString(sdk.resolve("ctx.bin"), "a context binary");
        assertEquals("ctx.bin", QnnSdkFiles.find(sdk, "acnet").model().getFileName().toString());
        Files.writeString(sdk.resolve("other.bin"), "another one");
        assertTrue(assertThrows(ModelException.class, () -> QnnSdkFiles.find(sdk, "acnet")).getMessage()
                .contains("2 .bin files (ctx.bin, other.bin) and no acnet.serialized.bin"));
    }

    @Test
    void socsMapToTheirHtpVersion() {
        assertEquals("v73", HtpArch.of("SM8550"));
        assertEquals("v73", HtpArch.of("kalama"));
        assertEquals("v68", HtpArch.of("lahaina"));
        assertEquals("v75", HtpArch.of("SM8650"));
        assertNull(HtpArch.of("Tensor G3"));
        assertEquals("v69", HtpArch.parse("V69"));
        assertNull(HtpArch.parse("73"));
    }

    @Test
    void inputsAreFloat32FilesOfTheTensorsSizeAndOneListLine() throws Exception {
        List<Path> files = QnnInputs.write(dir, List.of(new QnnInputs.Input("input", new int[] {1, 4, 4, 3}),
                new QnnInputs.Input("gain", new int[] {1})), 7);
        assertEquals(3, files.size());
        assertEquals(4 * 4 * 3 * 4, Files.size(files.get(0)));
        assertEquals("input_input.raw input_gain.raw\n", Files.readString(dir.resolve(QnnInputs.LIST)));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(files.get(0))).order(ByteOrder.LITTLE_ENDIAN);
        float first = b.getFloat(0);
        assertTrue(first >= 0 && first < 1);
        List<Path> again = QnnInputs.write(Files.createDirectories(dir.resolve("again")), List.of(new QnnInputs.Input("input", new int[] {1, 4, 4, 3})), 7);
        assertArrayEquals(Files.readAllBytes(files.get(0)), Files.readAllBytes(again.get(0)), "same seed, same input");
    }
}
