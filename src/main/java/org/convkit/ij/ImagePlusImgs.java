package org.convkit.ij;

import ij.ImagePlus;
import ij.ImageStack;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.NumericType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Fraction;
import net.imglib2.view.Views;

/**
 * Bridges ImageJ 1.x {@link ImagePlus} and ImgLib2 without copying pixel
 * data where the layouts agree.
 * <p>
 * Images on the ImgLib2 side always use the axis order {@link #AXES}
 * ({@code X, Y, C, Z, T}). This is ImageJ's own hyperstack order: the stack
 * index runs channel fastest, then slice, then frame, exactly like the plane
 * index of a {@link PlanarImg} with dimensions {@code [w, h, c, z, t]}. So the
 * planes of a wrapped image <em>are</em> the pixel arrays of the stack.
 * <p>
 * Pixel types: {@code GRAY8} (and {@code COLOR_256}, whose LUT is ignored)
 * &harr; {@link UnsignedByteType}, {@code GRAY16} &harr;
 * {@link UnsignedShortType}, {@code GRAY32} &harr; {@link FloatType},
 * {@code COLOR_RGB} &harr; {@link ARGBType}.
 * <p>
 * Spatial calibration is not carried over in either direction; callers that
 * need it should carry {@link ImagePlus#getCalibration()} themselves.
 */
public final class ImagePlusImgs
{

	/** Axis order of every image this class produces or expects. */
	public static final String AXES = "XYCZT";

	private ImagePlusImgs()
	{
		// static utility
	}

		/**
	 * Wraps a grey (8, 16 or 32-bit) image as {@link #wrap} does, typed for arithmetic.
	 *
	 * @param parameter the parameter the image came from, named in the error for an RGB image
	 * @throws IllegalArgumentException if the image is RGB, or as {@link #wrap}
	 */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	public static RandomAccessibleInterval< ? extends RealType< ? > > wrapReal( final ImagePlus imp, final String parameter )
	{
		if ( imp != null && imp.getType() == ImagePlus.COLOR_RGB )
			throw new IllegalArgumentException( parameter + ": expected a grey image (8, 16 or 32-bit), got RGB in '" + imp.getTitle()
					+ "'; split its channels first (Image > Color > Split Channels)" );
		// Every type wrap() returns for a non-RGB image is a RealType.
		return ( RandomAccessibleInterval ) wrap( imp );
	}

/**
	 * Wraps the pixel arrays of an {@link ImagePlus} as a 5-D
	 * {@link PlanarImg} with axes {@link #AXES} ({@code X, Y, C, Z, T}).
	 * Singleton dimensions are kept, so the result is always 5-D.
	 * <p>
	 * No pixels are copied: writes through the returned image show in the
	 * {@code ImagePlus} and vice versa (call {@link ImagePlus#updateAndDraw()}
	 * to refresh a displayed image). The element type depends on
	 * {@link ImagePlus#getType()}: {@link UnsignedByteType} for
	 * {@code GRAY8}/{@code COLOR_256}, {@link UnsignedShortType} for
	 * {@code GRAY16}, {@link FloatType} for {@code GRAY32} and
	 * {@link ARGBType} for {@code COLOR_RGB}. {@code T} is not checked: as
	 * with any unchecked wrap, asking for the wrong type fails with a
	 * {@link ClassCastException} on first use.
	 * <p>
	 * Virtual stacks are read plane by plane (through
	 * {@link ImageStack#getPixels(int)}, i.e. {@code getProcessor(i).getPixels()})
	 * into memory when this method is called. The result is then a snapshot:
	 * writes to it are <em>not</em> saved back to the virtual stack, and
	 * later changes to the stack's files are not seen.
	 *
	 * @param <T> the element type the caller expects (see above)
	 * @param imp the image to wrap
	 * @return a 5-D image sharing {@code imp}'s pixel arrays
	 * @throws IllegalArgumentException if {@code imp} is {@code null}, has no
	 *         pixel data, is of an unknown type, or a stack plane is not a
	 *         pixel array of the expected type and size
	 */
	public static < T extends NumericType< T > & NativeType< T > > PlanarImg< T, ? > wrap( final ImagePlus imp )
	{
		if ( imp == null )
			throw new IllegalArgumentException( "Expected an ImagePlus to wrap, got null" );
		final ImageStack stack = imp.getStack();
		if ( imp.getWidth() < 1 || imp.getHeight() < 1 || stack == null || stack.getSize() < 1 )
			throw new IllegalArgumentException( "Expected an ImagePlus with pixel data, but '" + imp.getTitle() + "' has none" );

		final long[] dims = { imp.getWidth(), imp.getHeight(), imp.getNChannels(), imp.getNSlices(), imp.getNFrames() };
		// As PlanarImgFactory does, minus the allocation: build on the arrays,
		// then link the type. All four types have one storage entity per pixel.
		switch ( imp.getType() )
		{
		case ImagePlus.GRAY8:
		case ImagePlus.COLOR_256:
			final PlanarImg< UnsignedByteType, ByteArray > bytes =
					new PlanarImg< UnsignedByteType, ByteArray >( planes( imp, stack, byte[].class, ByteArray::new ), dims, new Fraction() );
			bytes.setLinkedType( new UnsignedByteType( bytes ) );
			return cast( bytes );
		case ImagePlus.GRAY16:
			final PlanarImg< UnsignedShortType, ShortArray > shorts =
					new PlanarImg< UnsignedShortType, ShortArray >( planes( imp, stack, short[].class, ShortArray::new ), dims, new Fraction() );
			shorts.setLinkedType( new UnsignedShortType( shorts ) );
			return cast( shorts );
		case ImagePlus.GRAY32:
			final PlanarImg< FloatType, FloatArray > floats =
					new PlanarImg< FloatType, FloatArray >( planes( imp, stack, float[].class, FloatArray::new ), dims, new Fraction() );
			floats.setLinkedType( new FloatType( floats ) );
			return cast( floats );
		case ImagePlus.COLOR_RGB:
			final PlanarImg< ARGBType, IntArray > argbs =
					new PlanarImg< ARGBType, IntArray >( planes( imp, stack, int[].class, IntArray::new ), dims, new Fraction() );
			argbs.setLinkedType( new ARGBType( argbs ) );
			return cast( argbs );
		default:
			throw new IllegalArgumentException( "Expected an 8-bit, 16-bit, 32-bit or RGB ImagePlus, but '" + imp.getTitle() + "' has ImageJ type " + imp.getType() );
		}
	}

	/**
	 * Makes an {@link ImagePlus} (hyper)stack from an image with axes
	 * {@link #AXES}. Images with fewer than 5 dimensions have trailing
	 * singleton axes: a 2-D image is {@code XY}, 3-D is {@code XYC}, 4-D is
	 * {@code XYCZ}.
	 * <p>
	 * When {@code img} is a {@link PlanarImg} (or an {@link ArrayImg} holding
	 * a single plane) of {@link UnsignedByteType}, {@link UnsignedShortType},
	 * {@link FloatType} or {@link ARGBType} backed by primitive arrays, the
	 * stack is built on the <em>same</em> arrays: nothing is copied and
	 * writes show on both sides. Anything else (views, other containers,
	 * other types) is copied: {@link ARGBType} to an RGB stack, every other
	 * {@link RealType} to a 32-bit float stack (values beyond float precision,
	 * e.g. large {@code long}s, are rounded).
	 * <p>
	 * The result has its hyperstack dimensions set ({@code c, z, t}) and is
	 * marked to open as a hyperstack when more than one of them exceeds 1.
	 *
	 * @param img a 2-D to 5-D {@link RealType} or {@link ARGBType} image, axes
	 *        {@code XYCZT}; a non-zero minimum is allowed
	 * @param title the title of the new image ({@code null}: no title)
	 * @return an {@code ImagePlus} showing {@code img}
	 * @throws IllegalArgumentException if {@code img} is {@code null}, empty,
	 *         not 2-D to 5-D, too large for ImageJ (a plane of more than
	 *         {@link Integer#MAX_VALUE} pixels or more planes than that), or
	 *         neither {@link RealType} nor {@link ARGBType}
	 */
	public static ImagePlus toImagePlus( final RandomAccessibleInterval< ? extends NumericType< ? > > img, final String title )
	{
		if ( img == null )
			throw new IllegalArgumentException( "Expected a 2-D to 5-D image with axes " + AXES + ", got null" );
		final int n = img.numDimensions();
		if ( n < 2 || n > 5 )
			throw new IllegalArgumentException( "Expected a 2-D to 5-D image with axes " + AXES + ", got " + n + "-D" );
		final long[] dims = { 1, 1, 1, 1, 1 };
		for ( int d = 0; d < n; d++ )
			dims[ d ] = img.dimension( d );
		for ( final long d : dims )
			if ( d < 1 )
				throw new IllegalArgumentException( "Expected a non-empty image, got dimensions " + dimString( img ) );
		// ImageJ indexes pixels in a plane, and planes in a stack, with int.
		if ( !fitsInt( dims[ 0 ], dims[ 1 ] ) || !fitsInt( dims[ 2 ], dims[ 3 ], dims[ 4 ] ) )
			throw new IllegalArgumentException( "Image " + dimString( img ) + " is too large for ImageJ: a plane and the number of planes must each fit in an int" );

		final Object type = img.getType();
		if ( !( type instanceof RealType || type instanceof ARGBType ) )
			throw new IllegalArgumentException( "Expected a RealType or ARGBType image, got " + type.getClass().getSimpleName() );

		final int w = ( int ) dims[ 0 ], h = ( int ) dims[ 1 ];
		final int c = ( int ) dims[ 2 ], z = ( int ) dims[ 3 ], t = ( int ) dims[ 4 ];
		ImageStack stack = sharedStack( img, w, h );
		if ( stack == null )
			stack = copiedStack( img, w, h, c * z * t );

		final ImagePlus imp = new ImagePlus( title, stack );
		imp.setDimensions( c, z, t );
		if ( ( c > 1 ? 1 : 0 ) + ( z > 1 ? 1 : 0 ) + ( t > 1 ? 1 : 0 ) > 1 )
			imp.setOpenAsHyperStack( true );
		return imp;
	}

	// -- Helpers: wrap --

	/**
	 * The stack's pixel arrays, checked for type and size, as accesses. The
	 * accesses wrap the arrays themselves: nothing is copied.
	 */
	private static < P, A > List< A > planes( final ImagePlus imp, final ImageStack stack, final Class< P > arrayType, final Function< P, A > access )
	{
		final int size = imp.getWidth() * imp.getHeight();
		final List< A > planes = new ArrayList<>( stack.getSize() );
		for ( int i = 1; i <= stack.getSize(); i++ )
		{
			// For a virtual stack this loads the plane: getProcessor(i).getPixels().
			final Object pixels = stack.getPixels( i );
			if ( !arrayType.isInstance( pixels ) || Array.getLength( pixels ) != size )
				throw new IllegalArgumentException( "Expected plane " + i + " of '" + imp.getTitle() + "' to be a "
						+ arrayType.getSimpleName() + " of " + size + " pixels, got "
						+ ( pixels == null ? "null" : pixels.getClass().getSimpleName() + " of " + Array.getLength( pixels ) ) );
			planes.add( access.apply( arrayType.cast( pixels ) ) );
		}
		return planes;
	}

	@SuppressWarnings( { "unchecked", "rawtypes" } )
	private static < T extends NumericType< T > & NativeType< T > > PlanarImg< T, ? > cast( final PlanarImg< ?, ? > img )
	{
		return ( PlanarImg ) img;
	}

	// -- Helpers: toImagePlus --

	/**
	 * A stack on {@code img}'s own arrays, or {@code null} if {@code img} is
	 * not a plain array-backed planar (or single-plane array) image of a type
	 * ImageJ stores natively.
	 */
	private static ImageStack sharedStack( final RandomAccessibleInterval< ? > img, final int w, final int h )
	{
		final Class< ? > arrayType = arrayTypeFor( img.getType() );
		if ( arrayType == null )
			return null;
		final List< Object > arrays = new ArrayList<>();
		if ( img instanceof PlanarImg )
		{
			final PlanarImg< ?, ? > planar = ( PlanarImg< ?, ? > ) img;
			for ( int i = 0; i < planar.numSlices(); i++ )
				arrays.add( storage( planar.getPlane( i ) ) );
		}
		else if ( img instanceof ArrayImg && img.size() == ( long ) w * h )
			arrays.add( storage( ( ( ArrayImg< ?, ? > ) img ).update( null ) ) );
		else
			return null;

		final ImageStack stack = new ImageStack( w, h );
		for ( final Object pixels : arrays )
		{
			// ImageStack does not check the length itself.
			if ( !arrayType.isInstance( pixels ) || Array.getLength( pixels ) != w * h )
				return null;
			stack.addSlice( null, pixels );
		}
		return stack;
	}

	/** The primitive array ImageJ would store {@code type} in, or null. */
	private static Class< ? > arrayTypeFor( final Object type )
	{
		// Exact classes: e.g. a subclass with other semantics must be copied.
		final Class< ? > c = type.getClass();
		if ( c == UnsignedByteType.class )
			return byte[].class;
		if ( c == UnsignedShortType.class )
			return short[].class;
		if ( c == FloatType.class )
			return float[].class;
		if ( c == ARGBType.class )
			return int[].class;
		return null;
	}

	private static Object storage( final Object access )
	{
		return access instanceof ArrayDataAccess ? ( ( ArrayDataAccess< ? > ) access ).getCurrentStorageArray() : null;
	}

	/** Copies {@code img} into new RGB planes if it is ARGB, else into float planes. */
	@SuppressWarnings( "unchecked" )
	private static ImageStack copiedStack( final RandomAccessibleInterval< ? > img, final int w, final int h, final int planes )
	{
		// Flat iteration of the zero-min 5-D view runs X, Y, C, Z, T: plane after plane, in stack order.
		final Cursor< ? > cursor = Views.flatIterable( toZeroMin5D( img ) ).cursor();
		final ImageStack stack = new ImageStack( w, h );
		if ( img.getType() instanceof ARGBType )
		{
			final Cursor< ARGBType > argb = ( Cursor< ARGBType > ) cursor;
			for ( int p = 0; p < planes; p++ )
			{
				final int[] pixels = new int[ w * h ];
				for ( int i = 0; i < pixels.length; i++ )
					pixels[ i ] = argb.next().get();
				stack.addSlice( null, pixels );
			}
		}
		else
		{
			final Cursor< ? extends RealType< ? > > real = ( Cursor< ? extends RealType< ? > > ) cursor;
			for ( int p = 0; p < planes; p++ )
			{
				final float[] pixels = new float[ w * h ];
				for ( int i = 0; i < pixels.length; i++ )
					pixels[ i ] = real.next().getRealFloat();
				stack.addSlice( null, pixels );
			}
		}
		return stack;
	}

	private static < T > RandomAccessibleInterval< T > toZeroMin5D( RandomAccessibleInterval< T > img )
	{
		while ( img.numDimensions() < 5 )
			img = Views.addDimension( img, 0, 0 );
		return Views.zeroMin( img );
	}

	/** Whether the product of positive {@code factors} fits in an int, without overflowing on the way. */
	private static boolean fitsInt( final long... factors )
	{
		long product = 1;
		for ( final long f : factors )
		{
			if ( f > Integer.MAX_VALUE )
				return false;
			product *= f; // both factors < 2^31: no long overflow
			if ( product > Integer.MAX_VALUE )
				return false;
		}
		return true;
	}

	private static String dimString( final RandomAccessibleInterval< ? > img )
	{
		final StringBuilder sb = new StringBuilder( "[" );
		for ( int d = 0; d < img.numDimensions(); d++ )
			sb.append( d == 0 ? "" : ", " ).append( img.dimension( d ) );
		return sb.append( "]" ).toString();
	}

	/**
	 * The image's title without its file extension, spaces and Unicode kept (ImageJ's
	 * getShortTitle() also cuts at the first space), for naming results after their input.
	 */
	public static String baseTitle(ImagePlus image) {
		return withoutExtension(image.getTitle() == null ? "" : image.getTitle().strip());
	}

	/** A file name or title without an image file's extension (.tif, .png, .nii.gz, ...). */
	public static String withoutExtension(String name) {
		return name.replaceFirst("\\.(?i)(tif|tiff|png|jpe?g|gif|bmp|pgm|fits?|dcm|zip|nii|nii\\.gz)$", "");
	}
}
