package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ELF machine check on hand-built ELF headers (System V gABI: e_machine at offset 18). */
class ElfMachineTest {
    @TempDir
    Path dir;

    /** A 64-byte ELF header: magic, class, byte order, version, e_type EXEC, e_machine. */
    private Path elf(String name, boolean is64, boolean bigEndian, int machine) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (bigEndian ? 2 : 1), 1});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test
    void readsMachineOfEachAndroidAbi() throws IOException {
        assertEquals(183, ElfMachine.read(elf("aarch64", true, false, 183)));
        assertEquals(40, ElfMachine.read(elf("arm", false, false, 40)));
        assertEquals(62, ElfMachine.read(elf("x86_64", true, false, 62)));
        assertEquals(3, ElfMachine.read(elf("x86", false, false, 3)));
        assertEquals(183, ElfMachine.read(elf("big", true, true, 183)), "byte order from EI_DATA");
    }

    @Test
    void matchingBinaryPasses() throws IOException {
        ElfMachine.requireRunsOn(elf("bm64", true, false, 183), "arm64-v8a", "R5CT");
        ElfMachine.requireRunsOn(elf("bm32", false, false, 40), "armeabi-v7a", "R5CT");
        ElfMachine.requireRunsOn(elf("bmx", true, false, 62), "x86_64", "emulator-5554");
        ElfMachine.requireRunsOn(elf("bmx86", false, false, 3), "x86", "emulator-5554");
    }

    @Test
    void hostBuildForAPhoneIsRefusedNamingFileDeviceAndFix() throws IOException {
        Path binary = elf("benchmark_model", true, false, 62);
        ModelException e = assertThrows(ModelException.class,
                () -> ElfMachine.requireRunsOn(binary, "arm64-v8a", "R5CT"));
        assertEquals(binary + ": built for x86_64 (ELF machine 62) but device 'R5CT' is arm64-v8a; pass"
                + " --benchmark-binary with a benchmark_model built for arm64-v8a", e.getMessage());
    }

    @Test
    void scriptOrTruncatedFileIsNotElf() throws IOException {
        Path script = Files.writeString(dir.resolve("benchmark_model.sh"), "#!/bin/sh\necho hi\n");
        ModelException e = assertThrows(ModelException.class, () -> ElfMachine.read(script));
        assertTrue(e.getMessage().startsWith(script + ": not an ELF executable"), e.getMessage());
        Path truncated = Files.write(dir.resolve("cut"), new byte[] {0x7f, 'E', 'L', 'F', 2});
        assertThrows(ModelException.class, () -> ElfMachine.read(truncated));
    }

    @Test
    void unknownAbiIsADeviceProblem() throws IOException {
        DeviceException e = assertThrows(DeviceException.class,
                () -> ElfMachine.requireRunsOn(elf("bm", true, false, 183), "mips", "OLD1"));
        assertTrue(e.getMessage().startsWith("device 'OLD1' reports CPU ABI 'mips'"), e.getMessage());
    }
}
