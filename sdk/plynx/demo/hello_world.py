"""Hello world: a parameter becomes an output, an input becomes a greeting."""

from plynx.node import Group, input, operation, output, param


@param(name="your_name", var_type=str, default="World")
@output(name="name", var_type=str)
@operation(title="Get name", description="Pass the your_name parameter on as the output name.")
def get_name(your_name: str) -> dict[str, str]:
    return {"name": your_name}


@input(name="name", var_type=str)
@output(name="message", var_type=str)
@operation(title="Print message", description="Print a greeting to the name and pass it on.")
def print_message(name: str) -> dict[str, str]:
    message = f"Hello {name}!"
    print(message)
    return {"message": message}


GROUP = Group(title="Hello World", items=[get_name, print_message])
