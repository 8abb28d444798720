package org.convkit.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

import net.imglib2.FinalInterval;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import org.junit.jupiter.api.Test;

class ImagePlusImgsTest
{
	private static final int W = 5, H = 4;

	private static long[] dims( final RandomAccessibleInterval< ? > img )
	{
		return img.dimensionsAsLongArray();
	}

	private static < T > T at( final RandomAccessibleInterval< T > img, final long... pos )
	{
		final RandomAccess< T > ra = img.randomAccess();
		ra.setPosition( pos );
		return ra.get();
	}

	// -- wrap: the four types --

	@Test
	void wrapsGray8WithoutCopy()
	{
		final ImagePlus imp = IJ.createImage( "g8", "8-bit black", W, H, 1 );
		final ImageProcessor ip = imp.getProcessor();
		ip.putPixel( 1, 2, 200 ); // > 127: must read back unsigned
		ip.putPixel( 4, 3, 7 );

		final PlanarImg< UnsignedByteType, ? > img = ImagePlusImgs.wrap( imp );
		assertArrayEquals( new long[] { W, H, 1, 1, 1 }, dims( img ) );
		assertEquals( 200, at( img, 1, 2, 0, 0, 0 ).get() );
		assertEquals( ip.getPixel( 4, 3 ), at( img, 4, 3, 0, 0, 0 ).get() );
		assertSame( ip.getPixels(), img.getPlane( 0 ).getCurrentStorageArray() );

		at( img, 0, 1, 0, 0, 0 ).set( 255 );
		assertEquals( 255, ip.getPixel( 0, 1 ) );
		ip.putPixel( 3, 0, 129 );
		assertEquals( 129, at( img, 3, 0, 0, 0, 0 ).get() );
	}

	@Test
	void wrapsColor256AsGray8()
	{
		final ImagePlus imp = IJ.createImage( "lut", "8-bit black", W, H, 1 );
		imp.getProcessor().setColorModel( ij.process.LUT.createLutFromColor( java.awt.Color.RED ).getColorModel() );
		imp.getProcessor().putPixel( 2, 2, 250 );
		final PlanarImg< UnsignedByteType, ? > img = ImagePlusImgs.wrap( imp );
		assertInstanceOf( UnsignedByteType.class, img.firstElement() );
		assertEquals( 250, at( img, 2, 2, 0, 0, 0 ).get() );
	}

	@Test
	void wrapsGray16WithoutCopy()
	{
		final ImagePlus imp = IJ.createImage( "g16", "16-bit black", W, H, 1 );
		final ImageProcessor ip = imp.getProcessor();
		ip.putPixel( 2, 1, 60000 ); // > 32767: must read back unsigned

		final PlanarImg< UnsignedShortType, ? > img = ImagePlusImgs.wrap( imp );
		assertArrayEquals( new long[] { W, H, 1, 1, 1 }, dims( img ) );
		assertEquals( 60000, at( img, 2, 1, 0, 0, 0 ).get() );
		assertEquals( ip.getPixel( 0, 0 ), at( img, 0, 0, 0, 0, 0 ).get() );
		assertSame( ip.getPixels(), img.getPlane( 0 ).getCurrentStorageArray() );

		at( img, 4, 3, 0, 0, 0 ).set( 65535 );
		assertEquals( 65535, ip.getPixel( 4, 3 ) );
		ip.putPixel( 1, 1, 40000 );
		assertEquals( 40000, at( img, 1, 1, 0, 0, 0 ).get() );
	}

	@Test
	void wrapsGray32WithoutCopy()
	{
		final ImagePlus imp = IJ.createImage( "g32", "32-bit black", W, H, 1 );
		final ImageProcessor ip = imp.getProcessor();
		ip.putPixelValue( 3, 2, -1.5 );

		final PlanarImg< FloatType, ? > img = ImagePlusImgs.wrap( imp );
		assertArrayEquals( new long[] { W, H, 1, 1, 1 }, dims( img ) );
		assertEquals( ip.getf( 3, 2 ), at( img, 3, 2, 0, 0, 0 ).get() );
		assertEquals( -1.5f, at( img, 3, 2, 0, 0, 0 ).get() );
		assertSame( ip.getPixels(), img.getPlane( 0 ).getCurrentStorageArray() );

		at( img, 0, 3, 0, 0, 0 ).set( 1e6f );
		assertEquals( 1e6f, ip.getf( 0, 3 ) );
		ip.setf( 4, 0, 0.25f );
		assertEquals( 0.25f, at( img, 4, 0, 0, 0, 0 ).get() );
	}

	@Test
	void wrapsRgbWithoutCopy()
	{
		final ImagePlus imp = IJ.createImage( "rgb", "RGB black", W, H, 1 );
		final ImageProcessor ip = imp.getProcessor();
		ip.putPixel( 1, 3, 0x123456 );

		final PlanarImg< ARGBType, ? > img = ImagePlusImgs.wrap( imp );
		assertArrayEquals( new long[] { W, H, 1, 1, 1 }, dims( img ) );
		// ImageJ ignores the alpha byte for display; compare RGB only.
		assertEquals( ip.getPixel( 1, 3 ) & 0xffffff, at( img, 1, 3, 0, 0, 0 ).get() & 0xffffff );
		assertEquals( 0x56, ARGBType.blue( at( img, 1, 3, 0, 0, 0 ).get() ) );
		assertSame( ip.getPixels(), img.getPlane( 0 ).getCurrentStorageArray() );

		at( img, 2, 2, 0, 0, 0 ).set( ARGBType.rgba( 255, 128, 1, 255 ) );
		assertEquals( 0xff8001, ip.getPixel( 2, 2 ) & 0xffffff );
		ip.putPixel( 0, 0, 0xabcdef );
		assertEquals( 0xabcdef, at( img, 0, 0, 0, 0, 0 ).get() & 0xffffff );
		assertEquals( ip.getPixel( 0, 0 ), at( img, 0, 0, 0, 0, 0 ).get() ); // the very same int
	}

	// -- wrap: hyperstacks, virtual stacks --

	@Test
	void wrapsHyperstackInXYCZTOrder()
	{
		final int c = 2, z = 3, t = 4;
		final ImagePlus imp = IJ.createImage( "hyper", "16-bit black", W, H, c, z, t );
		final PlanarImg< UnsignedShortType, ? > img = ImagePlusImgs.wrap( imp );
		assertEquals( "XYCZT", ImagePlusImgs.AXES );
		assertArrayEquals( new long[] { W, H, c, z, t }, dims( img ) );

		// Every (c, z, t): a distinct value written through ImageJ's position API.
		for ( int ci = 1; ci <= c; ci++ )
			for ( int zi = 1; zi <= z; zi++ )
				for ( int ti = 1; ti <= t; ti++ )
				{
					imp.setPositionWithoutUpdate( ci, zi, ti );
					imp.getProcessor().putPixelValue( 3, 1, 1000 * ci + 100 * zi + ti );
				}
		for ( int ci = 1; ci <= c; ci++ )
			for ( int zi = 1; zi <= z; zi++ )
				for ( int ti = 1; ti <= t; ti++ )
					assertEquals( 1000 * ci + 100 * zi + ti, at( img, 3, 1, ci - 1, zi - 1, ti - 1 ).get(),
							"c=" + ci + " z=" + zi + " t=" + ti );

		// And the other way round: an Img write lands in the plane ImageJ indexes for (c, z, t).
		at( img, 0, 0, 1, 2, 3 ).set( 4242 );
		final ImageStack stack = imp.getStack();
		assertEquals( 4242, stack.getProcessor( imp.getStackIndex( 2, 3, 4 ) ).getPixel( 0, 0 ) );
		for ( int i = 0; i < c * z * t; i++ )
			assertSame( stack.getPixels( i + 1 ), img.getPlane( i ).getCurrentStorageArray() );
	}

	@Test
	void wrapsVirtualStackAsSnapshot()
	{
		final int[] loads = { 0 };
		// A virtual stack that builds each plane on demand, as a file-backed one would load it.
		final VirtualStack virtual = new VirtualStack( W, H, null, null )
		{
			@Override
			public ImageProcessor getProcessor( final int n )
			{
				loads[ 0 ]++;
				final ByteProcessor bp = new ByteProcessor( W, H );
				bp.set( 10 * n );
				return bp;
			}

			@Override
			public int getSize()
			{
				return 3;
			}
		};
		final ImagePlus imp = new ImagePlus( "virtual", virtual );
		final int before = loads[ 0 ];
		final PlanarImg< UnsignedByteType, ? > img = ImagePlusImgs.wrap( imp );
		assertEquals( before + 3, loads[ 0 ], "each plane loaded once, when wrapping" );
		assertArrayEquals( new long[] { W, H, 1, 3, 1 }, dims( img ) );
		for ( int z = 0; z < 3; z++ )
			assertEquals( 10 * ( z + 1 ), at( img, 2, 2, 0, z, 0 ).get() );

		// Documented: writes to a wrapped virtual stack are not persisted.
		at( img, 2, 2, 0, 1, 0 ).set( 99 );
		assertEquals( 20, virtual.getProcessor( 2 ).getPixel( 2, 2 ) );
	}

	// -- toImagePlus --

	@Test
	void roundTripSharesArrays()
	{
		final int c = 2, z = 3, t = 4;
		final ImagePlus imp = IJ.createImage( "hyper", "32-bit black", W, H, c, z, t );
		final PlanarImg< FloatType, ? > img = ImagePlusImgs.wrap( imp );
		at( img, 1, 2, 1, 1, 3 ).set( 7.5f );

		final ImagePlus back = ImagePlusImgs.toImagePlus( img, "back" );
		assertEquals( "back", back.getTitle() );
		assertEquals( ImagePlus.GRAY32, back.getType() );
		assertEquals( W, back.getWidth() );
		assertEquals( H, back.getHeight() );
		assertEquals( c, back.getNChannels() );
		assertEquals( z, back.getNSlices() );
		assertEquals( t, back.getNFrames() );
		assertTrue( back.getOpenAsHyperStack() );
		for ( int i = 1; i <= c * z * t; i++ )
			assertSame( imp.getStack().getPixels( i ), back.getStack().getPixels( i ) );
		assertEquals( 7.5f, back.getStack().getProcessor( back.getStackIndex( 2, 2, 4 ) ).getf( 1, 2 ) );
	}

	@Test
	void roundTripKeepsEachNativeType()
	{
		for ( final String type : new String[] { "8-bit", "16-bit", "32-bit", "RGB" } )
		{
			final ImagePlus imp = IJ.createImage( type, type + " black", W, H, 3 );
			final ImagePlus back = ImagePlusImgs.toImagePlus( ImagePlusImgs.wrap( imp ), type );
			assertEquals( imp.getType(), back.getType(), type );
			assertEquals( 3, back.getNSlices(), type );
			assertFalse( back.getOpenAsHyperStack(), type ); // only z > 1
			for ( int i = 1; i <= 3; i++ )
				assertSame( imp.getStack().getPixels( i ), back.getStack().getPixels( i ), type );
		}
	}

	@Test
	void sharesPlanarAndSinglePlaneArrayImgs()
	{
		// 3-D PlanarImg: XYC.
		final PlanarImg< UnsignedShortType, ? > planar = PlanarImgs.unsignedShorts( W, H, 2 );
		final ImagePlus imp = ImagePlusImgs.toImagePlus( planar, "planar" );
		assertEquals( 2, imp.getNChannels() );
		assertEquals( 1, imp.getNSlices() );
		assertSame( planar.getPlane( 1 ).getCurrentStorageArray(), imp.getStack().getPixels( 2 ) );

		// 2-D ArrayImg: its one array is the plane.
		final ArrayImg< FloatType, FloatArray > array = ArrayImgs.floats( W, H );
		final ImagePlus imp2 = ImagePlusImgs.toImagePlus( array, "array" );
		assertSame( array.update( null ).getCurrentStorageArray(), imp2.getProcessor().getPixels() );
		imp2.getProcessor().setf( 2, 3, 3.25f );
		assertEquals( 3.25f, at( array, 2, 3 ).get() );
	}

	@Test
	void copiesNonPlanarViewToFloat()
	{
		final PlanarImg< UnsignedByteType, ? > img = PlanarImgs.unsignedBytes( 3, 2 );
		int v = 0;
		for ( final UnsignedByteType p : img )
			p.set( 250 - v++ ); // 250, 249, ...: unsigned values > 127

		// Mirror-extended window at a non-zero minimum: x in [-2, 4], y in [0, 1].
		final RandomAccessibleInterval< UnsignedByteType > view =
				Views.interval( Views.extendMirrorSingle( img ), new FinalInterval( new long[] { -2, 0 }, new long[] { 4, 1 } ) );
		final ImagePlus imp = ImagePlusImgs.toImagePlus( view, "mirror" );
		assertEquals( ImagePlus.GRAY32, imp.getType() );
		assertEquals( 7, imp.getWidth() );
		assertEquals( 2, imp.getHeight() );
		final ImageProcessor ip = imp.getProcessor();
		for ( int y = 0; y < 2; y++ )
			for ( int x = -2; x <= 4; x++ )
			{
				final int mx = x < 0 ? -x : x > 2 ? 4 - x : x; // mirror without repeating the edge
				assertEquals( at( img, mx, y ).get(), ip.getf( x + 2, y ), "x=" + x + " y=" + y );
			}
	}

	@Test
	void copiesPermutedImageWithItsAxes()
	{
		// A Z-stack wrapped, then Z and C swapped: the result has 3 channels, 1 slice.
		final ImagePlus src = IJ.createImage( "z", "16-bit black", W, H, 3 );
		for ( int s = 1; s <= 3; s++ )
			src.getStack().getProcessor( s ).putPixel( 1, 1, 40000 + s );
		final PlanarImg< UnsignedShortType, ? > img = ImagePlusImgs.wrap( src );

		final ImagePlus imp = ImagePlusImgs.toImagePlus( Views.permute( img, 2, 3 ), "permuted" );
		assertEquals( ImagePlus.GRAY32, imp.getType() );
		assertEquals( 3, imp.getNChannels() );
		assertEquals( 1, imp.getNSlices() );
		for ( int ch = 1; ch <= 3; ch++ )
			assertEquals( 40000f + ch, imp.getStack().getProcessor( imp.getStackIndex( ch, 1, 1 ) ).getf( 1, 1 ) );
		assertNotSame( src.getStack().getPixels( 1 ), imp.getStack().getPixels( 1 ) );
	}

	@Test
	void copiesArgbViewToRgb()
	{
		final PlanarImg< ARGBType, ? > img = PlanarImgs.argbs( 2, 2 );
		at( img, 1, 0 ).set( ARGBType.rgba( 10, 20, 30, 255 ) );
		final RandomAccessibleInterval< ARGBType > rotated = Views.rotate( img, 0, 1 );
		final ImagePlus imp = ImagePlusImgs.toImagePlus( rotated, "rotated" );
		assertEquals( ImagePlus.COLOR_RGB, imp.getType() );
		int found = 0;
		for ( long y = rotated.min( 1 ); y <= rotated.max( 1 ); y++ )
			for ( long x = rotated.min( 0 ); x <= rotated.max( 0 ); x++ )
			{
				final int argb = at( rotated, x, y ).get();
				final int pixel = imp.getProcessor().getPixel( ( int ) ( x - rotated.min( 0 ) ), ( int ) ( y - rotated.min( 1 ) ) );
				assertEquals( argb, pixel ); // copied as is, alpha included
				found += ( pixel & 0xffffff ) == 0x0a141e ? 1 : 0;
			}
		assertEquals( 1, found );
	}

	// -- bad input --

	@Test
	void rejectsNullAndEmptyImagePlus()
	{
		final IllegalArgumentException nul = assertThrows( IllegalArgumentException.class, () -> ImagePlusImgs.wrap( null ) );
		assertEquals( "Expected an ImagePlus to wrap, got null", nul.getMessage() );
		final IllegalArgumentException empty = assertThrows( IllegalArgumentException.class, () -> ImagePlusImgs.wrap( new ImagePlus() ) );
		assertTrue( empty.getMessage().startsWith( "Expected an ImagePlus with pixel data" ), empty.getMessage() );
	}

	@Test
	void rejectsBadImgs()
	{
		final IllegalArgumentException nul = assertThrows( IllegalArgumentException.class, () -> ImagePlusImgs.toImagePlus( null, "x" ) );
		assertEquals( "Expected a 2-D to 5-D image with axes XYCZT, got null", nul.getMessage() );

		final IllegalArgumentException sixD = assertThrows( IllegalArgumentException.class,
				() -> ImagePlusImgs.toImagePlus( ArrayImgs.floats( 2, 2, 1, 1, 1, 2 ), "x" ) );
		assertEquals( "Expected a 2-D to 5-D image with axes XYCZT, got 6-D", sixD.getMessage() );

		final IllegalArgumentException oneD = assertThrows( IllegalArgumentException.class,
				() -> ImagePlusImgs.toImagePlus( ArrayImgs.floats( 4 ), "x" ) );
		assertEquals( "Expected a 2-D to 5-D image with axes XYCZT, got 1-D", oneD.getMessage() );

		// 100000 x 100000 pixels: more than an int can index; never allocated.
		final RandomAccessibleInterval< FloatType > huge =
				Views.interval( Views.extendBorder( ArrayImgs.floats( 1, 1 ) ), new FinalInterval( 100_000, 100_000 ) );
		final IllegalArgumentException big = assertThrows( IllegalArgumentException.class, () -> ImagePlusImgs.toImagePlus( huge, "x" ) );
		assertTrue( big.getMessage().contains( "[100000, 100000] is too large for ImageJ" ), big.getMessage() );

		final IllegalArgumentException complex = assertThrows( IllegalArgumentException.class,
				() -> ImagePlusImgs.toImagePlus( ArrayImgs.complexFloats( 2, 2 ), "x" ) );
		assertEquals( "Expected a RealType or ARGBType image, got ComplexFloatType", complex.getMessage() );
	}
}
