package org.convkit.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The order in which the benchmarks look for their PyTorch reference, on a pretend machine. */
class ReferencePythonFinderTest {

	static final Path ROOT = Path.of("/project");
	static final String VENV_PYTHON = "/home/u/.cache/convkit/torch-2.13/bin/python";

	/** A machine with the given settings, files and Pythons (python -> torch version). */
	static final class FakeHost implements ReferencePythonFinder.Host {
		final Map<String, String> properties = new HashMap<>(Map.of("user.home", "/home/u"));
		final Map<String, String> environment = new HashMap<>();
		final Set<Path> files = new HashSet<>(Set.of(ROOT.resolve(ReferencePythonFinder.SETUP_SCRIPT)));
		final Map<String, String> torch = new HashMap<>();
		final List<String> probed = new ArrayList<>();
		int setups;

		@Override
		public String property(String key) {
			return properties.get(key);
		}

		@Override
		public String environment(String key) {
			return environment.get(key);
		}

		@Override
		public boolean exists(Path file) {
			return files.contains(file);
		}

		@Override
		public Optional<String> torchVersion(String python) {
			probed.add(python);
			return Optional.ofNullable(torch.get(python));
		}

		@Override
		public boolean runSetup(Path script) {
			setups++;
			files.add(Path.of(VENV_PYTHON));
			torch.put(VENV_PYTHON, "2.13.0+cpu");
			return true;
		}
	}

	static ReferencePythonFinder.Lookup find(FakeHost host, boolean allowSetup) {
		return new ReferencePythonFinder(host, ROOT, allowSetup).find();
	}

	@Test
	void theSettingIsHonouredAndThePropertyWinsOverTheVariable() {
		FakeHost host = new FakeHost();
		host.torch.put("/env/python", "2.5.0");
		host.torch.put("/prop/python", "2.13.0+cpu");
		host.environment.put(ReferencePythonFinder.VARIABLE, "/env/python");
		assertEquals(new ReferencePythonFinder.Found("/env/python", "2.5.0", "CONVKIT_PYTHON"), find(host, true).found());
		host.properties.put(ReferencePythonFinder.PROPERTY, "/prop/python");
		assertEquals(new ReferencePythonFinder.Found("/prop/python", "2.13.0+cpu", "-Dconvkit.python"), find(host, true).found());
		assertEquals(0, host.setups, "a setting never creates the default venv");
	}

	@Test
	void aSettingWithoutTorchSkipsInsteadOfFallingBack() {
		FakeHost host = new FakeHost();
		host.environment.put(ReferencePythonFinder.VARIABLE, "/no/torch/python");
		host.torch.put("python3", "2.1.0");
		ReferencePythonFinder.Lookup lookup = find(host, true);
		assertTrue(lookup.python().isEmpty());
		assertEquals("CONVKIT_PYTHON=/no/torch/python cannot import torch (set it to a Python with torch, e.g. the one bin/torch-reference prints)",
			lookup.whyNot());
		assertEquals(List.of("/no/torch/python"), host.probed);
	}

	@Test
	void theDefaultVenvComesBeforePython3() {
		FakeHost host = new FakeHost();
		host.files.add(Path.of(VENV_PYTHON));
		host.torch.put(VENV_PYTHON, "2.13.0+cpu");
		host.torch.put("python3", "1.13.1");
		assertEquals(new ReferencePythonFinder.Found(VENV_PYTHON, "2.13.0+cpu", "default venv"), find(host, false).found());
	}

	@Test
	void anAbsentVenvIsCreatedOnlyWhenAllowed() {
		FakeHost host = new FakeHost();
		host.torch.put("python3", "1.13.1");
		assertEquals(new ReferencePythonFinder.Found("python3", "1.13.1", "fallback"), find(host, false).found());
		assertEquals(0, host.setups, "tests never create the venv");
		assertEquals(new ReferencePythonFinder.Found(VENV_PYTHON, "2.13.0+cpu", "default venv"), find(host, true).found());
		assertEquals(1, host.setups);
	}

	@Test
	void theVenvFollowsTheSetupScriptsSettings() {
		FakeHost host = new FakeHost();
		assertEquals(Path.of("/home/u/.cache/convkit/torch-2.13"), new ReferencePythonFinder(host, ROOT, false).defaultVenv());
		host.environment.put("XDG_CACHE_HOME", "/xdg");
		assertEquals(Path.of("/xdg/convkit/torch-2.13"), new ReferencePythonFinder(host, ROOT, false).defaultVenv());
		host.environment.put("CONVKIT_TORCH_VENV", "/venvs/t");
		assertEquals(Path.of("/venvs/t"), new ReferencePythonFinder(host, ROOT, false).defaultVenv());
	}

	@Test
	void thenPython3OnThePathThenDebians() {
		FakeHost host = new FakeHost();
		host.torch.put("/usr/bin/python3", "1.13.1");
		assertEquals(new ReferencePythonFinder.Found("/usr/bin/python3", "1.13.1", "fallback"), find(host, false).found());
		assertEquals(List.of("python3", "/usr/bin/python3"), host.probed);
	}

	@Test
	void noTorchAnywhereGivesOneClearLine() {
		FakeHost host = new FakeHost();
		String why = find(host, false).whyNot();
		assertEquals("no Python with torch: /home/u/.cache/convkit/torch-2.13 absent (bin/torch-reference creates it; not created here); "
			+ "python3 has no torch; /usr/bin/python3 has no torch; or set CONVKIT_PYTHON", why);
		assertFalse(why.contains("\n"));
	}

	@Test
	void aBrokenVenvIsReported() {
		FakeHost host = new FakeHost();
		host.files.add(Path.of(VENV_PYTHON));
		assertTrue(find(host, true).whyNot().startsWith("no Python with torch: " + VENV_PYTHON + " cannot import torch (run bin/torch-reference)"));
		assertEquals(0, host.setups, "an existing venv is left to the user's bin/torch-reference");
	}
}
