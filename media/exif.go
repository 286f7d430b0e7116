package media

import (
	"bytes"
	"encoding/binary"
	"image"
)

// Phones store photos as the sensor saw them and record in the EXIF
// Orientation tag (0x0112) how to turn them upright. Since the variants are
// re-encoded without any metadata, the turn must be applied to the pixels.
// Only that one tag of IFD0 is read; every offset is bounds-checked and
// anything unexpected means "no rotation" (1).

const (
	tagOrientation = 0x0112
	typeShort      = 3
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG file, or 1
// when it has none or the data is malformed. It walks the marker segments
// before the first scan, where APP1 lives.
func jpegOrientation(data []byte) int {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i < len(data); {
		if data[i] != 0xFF {
			return 1
		}
		for i < len(data) && data[i] == 0xFF { // fill bytes may pad a marker
			i++
		}
		if i >= len(data) {
			return 1
		}
		marker := data[i]
		i++
		switch {
		case marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7):
			continue // markers without a length
		case marker == 0xDA || marker == 0xD9 || marker == 0x00:
			return 1 // image data or end: no EXIF comes after this
		}
		if len(data)-i < 2 {
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || n > len(data)-i {
			return 1
		}
		seg := data[i+2 : i+n]
		i += n
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
	}
	return 1
}

// tiffOrientation reads the Orientation tag of IFD0 from a TIFF structure
// (the body of an Exif APP1 segment), in either byte order.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	// uint64 so that a hostile offset cannot overflow int on 32-bit systems.
	ifd := uint64(order.Uint32(t[4:]))
	size := uint64(len(t))
	if ifd+2 > size {
		return 1
	}
	count := uint64(order.Uint16(t[ifd:]))
	if ifd+2+12*count > size { // a cut-off entry table is corrupt as a whole
		return 1
	}
	for k := uint64(0); k < count; k++ {
		e := ifd + 2 + 12*k
		entry := t[e : e+12]
		if order.Uint16(entry) != tagOrientation {
			continue
		}
		if order.Uint16(entry[2:]) != typeShort || order.Uint32(entry[4:]) != 1 {
			return 1
		}
		// A single SHORT sits in the first two bytes of the value field.
		if v := int(order.Uint16(entry[8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// applyOrientation returns src turned upright for an EXIF orientation:
// 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise,
// 7 transverse, 8 rotate 90° counter-clockwise. src is returned as is for 1
// (or any other value). src must have its origin at (0, 0).
func applyOrientation(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 { // 5–8 swap the sides
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// The mapping is affine, so walk src by fixed steps instead of mapping
	// every pixel.
	offset := func(x, y int) int {
		sx, sy := sourcePoint(orientation, x, y, w, h)
		return sy*src.Stride + 4*sx
	}
	start := offset(0, 0)
	stepX, stepY := offset(1, 0)-start, offset(0, 1)-start
	for y := 0; y < dh; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		s := start + y*stepY
		for x := 0; x < len(row); x += 4 {
			copy(row[x:x+4], src.Pix[s:s+4])
			s += stepX
		}
	}
	return dst
}

// sourcePoint maps a pixel (x, y) of the upright image to the stored image
// of size w×h it comes from.
func sourcePoint(orientation, x, y, w, h int) (int, int) {
	switch orientation {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}
