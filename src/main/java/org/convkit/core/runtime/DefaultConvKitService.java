package org.convkit.core.runtime;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

/** Hands out the JVM-wide runtime, so several SciJava contexts still share one engine and cache. */
@Plugin(type = Service.class)
public class DefaultConvKitService extends AbstractService implements ConvKitService {

	@Override
	public ConvKitRuntime runtime() {
		return ConvKitRuntime.get();
	}
}
