package org.convkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oneDNN verbose summary of {@code bench ops}, on lines as MXNet's oneDNN 2.4 and libtorch's 3.x print them. */
class OneDnnVerboseLogTest {

	// from `DNNL_VERBOSE=1 bin/convkit bench ecg` on MXNet 1.9 (oneDNN 2.4.4)
	static final String TO_NCHW = "dnnl_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:acdb:f0 dst_f32::blocked:abcd:f0,,,512x32x1x64,0.25";
	static final String WEIGHTS = "dnnl_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:Acdb32a:f0,,,32x16x1x3,0.5";
	static final String CONV = "dnnl_verbose,exec,cpu,convolution,brgconv:avx512_core,forward_inference,src_f32::blocked:acdb:f0 "
		+ "wei_f32::blocked:Acdb16a:f0 bia_f32::blocked:a:f0 dst_f32::blocked:acdb:f0,,alg:convolution_direct,"
		+ "mb512_ic3oc16_ih1oh1kh1sh1dh0ph0_iw256ow128kw7sw2dw0pw3,1.5";
	// oneDNN 3.x's form (libtorch)
	static final String CONV_3X = "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core,forward_inference,"
		+ "src:f32::blocked:acdb::f0 wei:f32:a:blocked:Acdb16a::f0 bia:f32:a:blocked:a::f0 dst:f32::blocked:acdb::f0,attr-scratchpad:user,"
		+ "alg:convolution_direct,mb8_ic3oc64_ih224oh112kh7sh2dh0ph3_iw224ow112kw7sw2dw0pw3,2.0";
	static final String TO_NHWC_3X = "onednn_verbose,v1,primitive,exec,cpu,reorder,jit:uni,undef,src:f32::blocked:abcd::f0 dst:f32::blocked:acdb::f0,,,8x64x56x56,1.0";

	@Test
	void classifiesReordersAndReadsMinibatches() {
		OneDnnVerboseLog.Execution toNchw = OneDnnVerboseLog.execution(TO_NCHW);
		assertEquals(OneDnnVerboseLog.PLAIN_REORDER, toNchw.primitive());
		assertEquals(512, toNchw.batch());
		assertEquals(0.25, toNchw.milliseconds(), 1e-12);
		OneDnnVerboseLog.Execution weights = OneDnnVerboseLog.execution(WEIGHTS);
		assertEquals(OneDnnVerboseLog.BLOCKED_REORDER, weights.primitive());
		assertEquals(0, weights.batch(), "a weight's output channels are not a minibatch");
		assertEquals("convolution (brgconv:avx512_core)", OneDnnVerboseLog.execution(CONV).primitive());
		assertEquals(512, OneDnnVerboseLog.execution(CONV).batch());
		assertEquals("convolution (brg_conv_fwd:avx512_core)", OneDnnVerboseLog.execution(CONV_3X).primitive());
		assertEquals(8, OneDnnVerboseLog.execution(CONV_3X).batch());
		assertEquals(OneDnnVerboseLog.PLAIN_REORDER, OneDnnVerboseLog.execution(TO_NHWC_3X).primitive());
		assertTrue(OneDnnVerboseLog.plainToPlain("src_f32::blocked:abcde:f0 dst_f32::blocked:acdeb:f0"));
		assertFalse(OneDnnVerboseLog.plainToPlain("src_f32::blocked:abcd:f0 dst_f32::blocked:aBcd16b:f0"));
	}

	@Test
	void ignoresLinesThatAreNotExecutions() {
		assertNull(OneDnnVerboseLog.execution("dnnl_verbose,info,oneDNN v2.4.4 (commit 145c4b50196ac90ec1b946fb80cb5cef6e7d2d35)"));
		assertNull(OneDnnVerboseLog.execution("ratio ecg network batch 512 (MXNet): 2.88"));
		assertNull(OneDnnVerboseLog.execution("dnnl_verbose,exec,cpu,reorder,jit:uni,undef,src,,,cut"));
	}

	@Test
	void summarisesSharesPerPrimitiveAndMinibatch(@TempDir Path dir) throws Exception {
		Path log = dir.resolve("ecg.log");
		Files.write(log, List.of("bench ecg on MXNet 1.9.0", CONV, TO_NCHW, TO_NCHW, WEIGHTS, "ratio ecg network batch 512 (MXNet): 2.88"));
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		OneDnnVerboseLog.run(List.of(log.toString()), new PrintStream(bytes, true, StandardCharsets.UTF_8));
		String out = bytes.toString(StandardCharsets.UTF_8);
		assertTrue(out.contains("4 primitive executions, 3 ms"), out); // 1.5 + 0.25 + 0.25 + 0.5 = 2.5, printed rounded
		assertTrue(out.matches("(?s).*convolution \\(brgconv:avx512_core\\)\\s+1\\s+2\\s+60\\.0%.*"), out);
		assertTrue(out.matches("(?s).*reorder, plain to plain layout \\(e\\.g\\. NCHW <-> NHWC\\)\\s+2\\s+1\\s+20\\.0%.*"), out);
		// the minibatch of 512: conv 1.5 ms of 2.0 (75%), plain reorders 0.5 ms (25%)
		assertTrue(out.matches("(?s).*\\n  512\\s+3\\s+2\\s+2\\s+75%\\s+1\\s+25%.*"), out);
	}

	@Test
	void refusesAMissingFileNamingIt(@TempDir Path dir) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> OneDnnVerboseLog.run(List.of(dir.resolve("absent.log").toString()), System.out));
		assertTrue(e.getMessage().contains("absent.log is not a file"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> OneDnnVerboseLog.run(List.of(), System.out));
	}
}
