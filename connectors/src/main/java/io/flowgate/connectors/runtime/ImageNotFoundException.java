package io.flowgate.connectors.runtime;

/**
 * The image of a container spec is not on the machine. Flowgate never pulls: images are built or
 * loaded onto the host by the operator.
 */
public class ImageNotFoundException extends InstanceRuntimeException {

  private final String image;

  public ImageNotFoundException(String image) {
    super("Image not found on this host: " + image);
    this.image = image;
  }

  public String image() {
    return image;
  }
}
