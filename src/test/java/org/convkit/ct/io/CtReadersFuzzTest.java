package org.convkit.ct.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.convkit.ct.CtData;
import org.convkit.ct.CtFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files made from the real ones with a fixed seed (truncated, bit-flipped, oversized
 * dimensions, empty, another file type under the name): every read ends in a volume or in an
 * IOException / IllegalArgumentException whose message names the file (or its folder); never another
 * exception, a hang or an OutOfMemoryError.
 */
class CtReadersFuzzTest {

	private static final long SEED = 20261206L;
	private static final Duration LIMIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private record Case(String what, String name, byte[] bytes) {
	}

	@Test
	void damagedNiftiFiles() throws IOException {
		Random random = new Random(SEED);
		byte[] plain = NiftiFilesTest.gunzip(CtData.ctSmall());
		byte[] seg = NiftiFilesTest.gunzip(CtData.segmentation());
		byte[] gz = Files.readAllBytes(CtData.segmentation());
		List<Case> cases = new ArrayList<>();
		cases.add(new Case("empty", "empty.nii", new byte[0]));
		cases.add(new Case("text", "text.nii", "not a volume\n".getBytes(StandardCharsets.US_ASCII)));
		cases.add(new Case("a DICOM file", "dicom.nii", Arrays.copyOf(Files.readAllBytes(CtData.geTilted().resolve("01.dcm")), 4096)));
		cases.add(new Case("gzip of text", "text.nii.gz", NiftiFilesTest.gzip("hello".getBytes(StandardCharsets.US_ASCII))));
		for (int i = 0; i < 12; i++) {
			int length = i < 4 ? random.nextInt(352) : random.nextInt(plain.length);
			cases.add(new Case("truncated at " + length, "trunc" + i + ".nii", Arrays.copyOf(plain, length)));
		}
		for (int i = 0; i < 8; i++) {
			int length = random.nextInt(gz.length);
			cases.add(new Case("gzip truncated at " + length, "gztrunc" + i + ".nii.gz", Arrays.copyOf(gz, length)));
		}
		for (int i = 0; i < 20; i++) {
			byte[] b = (i % 2 == 0 ? plain : seg).clone();
			int flips = 1 + random.nextInt(8);
			for (int f = 0; f < flips; f++) {
				int at = random.nextInt(352);
				b[at] ^= (byte) (1 << random.nextInt(8));
			}
			cases.add(new Case(flips + " header bits flipped", "flip" + i + ".nii", b));
		}
		for (int i = 0; i < 6; i++) {
			byte[] b = gz.clone();
			for (int f = 0; f < 4; f++) b[10 + random.nextInt(b.length - 10)] ^= (byte) (1 << random.nextInt(8));
			cases.add(new Case("gzip bits flipped", "gzflip" + i + ".nii.gz", b));
		}
		for (int i = 0; i < 8; i++) {
			byte[] b = seg.clone();
			ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
			h.putShort(40, (short) (3 + i % 2));
			for (int d = 1; d <= 4; d++) h.putShort(40 + 2 * d, (short) (1 + random.nextInt(Short.MAX_VALUE)));
			cases.add(new Case("oversized dims", "dims" + i + ".nii", i % 2 == 0 ? b : NiftiFilesTest.gzip(b)));
		}
		run(cases, file -> NiftiFiles.read(file));
	}

	@Test
	void damagedDicomFiles() throws IOException {
		Random random = new Random(SEED + 1);
		byte[] slice = Files.readAllBytes(CtData.geTilted().resolve("01.dcm"));
		byte[] second = Files.readAllBytes(CtData.geTilted().resolve("02.dcm"));
		Path j2kFolder = CtData.jpeg2000();
		byte[] j2k;
		try (var files = Files.list(j2kFolder)) {
			j2k = Files.readAllBytes(files.sorted().findFirst().orElseThrow());
		}
		int pixelStart = slice.length - 512 * 512 * 2;
		List<Case> cases = new ArrayList<>();
		cases.add(new Case("empty", "empty.dcm", new byte[0]));
		cases.add(new Case("marker only", "marker.dcm", Arrays.copyOf(slice, 132)));
		cases.add(new Case("a NIfTI file", "nifti.dcm", concat(new byte[128], "DICM".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(NiftiFilesTest.gunzip(CtData.segmentation()), 2000))));
		for (int i = 0; i < 12; i++) {
			int length = 132 + random.nextInt(i < 8 ? pixelStart - 132 : slice.length - 132);
			cases.add(new Case("truncated at " + length, "trunc" + i + ".dcm", Arrays.copyOf(slice, length)));
		}
		for (int i = 0; i < 24; i++) {
			byte[] b = slice.clone();
			int flips = 1 + random.nextInt(6);
			for (int f = 0; f < flips; f++) b[132 + random.nextInt(pixelStart - 132)] ^= (byte) (1 << random.nextInt(8));
			cases.add(new Case(flips + " header bits flipped", "flip" + i + ".dcm", b));
		}
		for (int i = 0; i < 4; i++) {
			byte[] b = slice.clone();
			// Rows and Columns (US, explicit VR): the values after (0028,0010) and (0028,0011)
			for (int tag : new int[] {0x0010, 0x0011}) {
				int at = find(b, new byte[] {0x28, 0, (byte) tag, 0, 'U', 'S', 2, 0});
				ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at + 8, (short) (i == 0 ? 0 : 60000 + i));
			}
			cases.add(new Case("oversized rows and columns", "size" + i + ".dcm", b));
		}
		for (int i = 0; i < 6; i++) {
			byte[] b = j2k.clone();
			int headerEnd = find(b, new byte[] {(byte) 0xe0, 0x7f, 0x10, 0});
			int flips = 1 + random.nextInt(4);
			for (int f = 0; f < flips; f++) {
				int at = i < 3 ? headerEnd + 12 + random.nextInt(200) : headerEnd + random.nextInt(b.length - headerEnd);
				b[at] ^= (byte) (1 << random.nextInt(8));
			}
			cases.add(new Case("JPEG 2000 bits flipped", "j2k" + i + ".dcm", b));
		}
		cases.add(new Case("JPEG 2000 truncated", "j2ktrunc.dcm", Arrays.copyOf(j2k, j2k.length / 2)));
		// each damaged slice beside an intact one, so assembly runs too
		run(cases, file -> {
			Files.write(file.resolveSibling("intact.dcm"), second);
			try {
				return CtFiles.read(file.getParent(), "");
			}
			finally {
				Files.delete(file.resolveSibling("intact.dcm"));
			}
		});
	}

	interface Reader {
		Object read(Path file) throws IOException;
	}

	private void run(List<Case> cases, Reader reader) throws IOException {
		int ok = 0, refused = 0;
		for (int i = 0; i < cases.size(); i++) {
			Case c = cases.get(i);
			Path folder = Files.createDirectories(dir.resolve("case" + i));
			Path file = Files.write(folder.resolve(c.name()), c.bytes());
			String context = "case " + i + " (" + c.what() + ", " + c.name() + ")";
			Throwable thrown = assertTimeoutPreemptively(LIMIT, () -> {
				try {
					reader.read(file);
					return null;
				}
				catch (IOException | IllegalArgumentException e) {
					return e;
				}
			}, context);
			if (thrown == null) {
				ok++;
			}
			else {
				refused++;
				String m = thrown.getMessage();
				assertNotNull(m, context + ": " + thrown);
				assertTrue(m.contains(c.name()) || m.contains(folder.getFileName().toString()), context + ": message names neither the file nor its folder: " + m);
			}
		}
		System.out.println(cases.size() + " damaged files: " + ok + " read, " + refused + " refused with a message naming the file");
		assertTrue(refused > cases.size() / 2, "most damaged files are refused");
	}

	private static byte[] concat(byte[]... parts) {
		int n = 0;
		for (byte[] p : parts) n += p.length;
		byte[] out = new byte[n];
		int at = 0;
		for (byte[] p : parts) {
			System.arraycopy(p, 0, out, at, p.length);
			at += p.length;
		}
		return out;
	}

	private static int find(byte[] haystack, byte[] needle) {
		outer:
		for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
			return i;
		}
		throw new AssertionError("pattern not found");
	}
}
